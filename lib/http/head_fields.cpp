#include "http/head_fields.hpp"

namespace weir::http {

bool HeadFields::begin(core::BufferPool& pool) noexcept {
  if (!block_.data) {
    block_ = pool.take();
    if (!block_.data) return false;
  }
  n_ = 0;
  state_ = 0;
  // Params is an aggregate of trivially copyable parts living in malloc'd
  // storage, so its count alone needs a value: items past it are never
  // read. Constructing it would clear all 16 items, per message.
  params().size = 0;
  return true;
}

void HeadFields::release(core::BufferPool& pool) noexcept {
  pool.give(block_);
  block_ = {};
  n_ = 0;
}

HeadFields::NameResult HeadFields::on_name(uint32_t off, uint32_t len,
                                           uint32_t max_fields) noexcept {
  if (state_ == 1) {  // another piece of the same name: must follow the first
    Raw& r = raws()[n_ - 1];
    if (off != r.name_off + r.name_len) return NameResult::malformed;
    r.name_len += len;
    return NameResult::ok;
  }
  if (n_ >= max_fields || n_ >= kMaxFields) return NameResult::too_many;
  raws()[n_] = Raw{off, len, 0, 0};
  ++n_;
  state_ = 1;
  return NameResult::ok;
}

bool HeadFields::on_value(uint32_t off, uint32_t len) noexcept {
  if (n_ == 0) return false;
  Raw& r = raws()[n_ - 1];
  if (state_ != 2) {
    r.value_off = off;
    r.value_len = len;
    state_ = 2;
  } else {
    // A piece that does not follow the previous one means llhttp joined a
    // folded line (obs-fold, RFC 9112 5.2), which weir refuses.
    if (off != r.value_off + r.value_len) return false;
    r.value_len += len;
  }
  return true;
}

uint32_t HeadFields::on_value_complete(const char* base) noexcept {
  uint32_t i = n_ - 1;
  Raw& r = raws()[i];
  if (state_ != 2) r.value_off = r.value_len = 0;  // empty value: no on_value call
  kinds()[i] = classify_header(std::string_view(base + r.name_off, r.name_len));
  state_ = 0;
  return i;
}

void HeadFields::shift(uint32_t delta) noexcept {
  for (uint32_t i = 0; i < n_; ++i) {
    raws()[i].name_off -= delta;
    if (raws()[i].value_len) raws()[i].value_off -= delta;
  }
}

void HeadFields::finish(const char* base) noexcept {
  for (uint32_t i = 0; i < n_; ++i) {
    const Raw& r = raws()[i];
    views()[i] = Header{std::string_view(base + r.name_off, r.name_len),
                        r.value_len ? std::string_view(base + r.value_off, r.value_len)
                                    : std::string_view()};
  }
}

}  // namespace weir::http

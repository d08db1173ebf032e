// The header fields of one message head while llhttp delivers them in pieces.
// Pieces are recorded as offsets into the connection's read buffer (which may
// grow and move while a large head arrives) and turned into string views once
// the head is complete. The table lives in a pooled block taken when a message
// starts and given back when the connection goes idle.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "core/buffer_pool.hpp"
#include "http/header_kind.hpp"
#include "weir/http.hpp"

namespace weir::http {

class HeadFields {
 public:
  static constexpr uint32_t kMaxFields = 256;
  // The block also holds the route parameters of the request, so that an
  // idle connection keeps none of this.
  static constexpr uint32_t kParamsOffset =
      kMaxFields * (sizeof(uint32_t) * 4 + sizeof(Header) + sizeof(HeaderKind));
  static constexpr uint32_t kBlockSize =
      (kParamsOffset + alignof(Params) - 1) / alignof(Params) * alignof(Params) + sizeof(Params);

  // Prepares for a new head; false when no memory.
  bool begin(core::BufferPool& pool) noexcept;
  void release(core::BufferPool& pool) noexcept;
  bool active() const noexcept { return block_.data != nullptr; }

  // Offsets are relative to the read buffer's base. on_name is false when
  // the field count would pass `max_fields`; both are false when a piece does
  // not continue the previous one (a folded line).
  enum class NameResult : uint8_t { ok, too_many, malformed };
  NameResult on_name(uint32_t off, uint32_t len, uint32_t max_fields) noexcept;
  bool on_value(uint32_t off, uint32_t len) noexcept;
  uint32_t name_len(uint32_t i) const noexcept { return raws()[i].name_len; }
  // Called when a value is complete; classifies the field. Returns its index.
  uint32_t on_value_complete(const char* base) noexcept;
  // Moves every offset down by `delta` (the buffer was compacted).
  void shift(uint32_t delta) noexcept;
  // Builds the views against the final buffer base.
  void finish(const char* base) noexcept;

  uint32_t size() const noexcept { return n_; }
  std::span<const Header> headers() const noexcept { return {views(), n_}; }
  HeaderKind kind(uint32_t i) const noexcept { return kinds()[i]; }
  const Header& at(uint32_t i) const noexcept { return views()[i]; }
  // Route parameters of the request being parsed (valid while active()).
  Params& params() const noexcept {
    return *reinterpret_cast<Params*>(block_.data + kBlockSize - sizeof(Params));
  }

 private:
  struct Raw {
    uint32_t name_off, name_len, value_off, value_len;
  };
  Raw* raws() const noexcept { return reinterpret_cast<Raw*>(block_.data); }
  Header* views() const noexcept {
    return reinterpret_cast<Header*>(block_.data + kMaxFields * sizeof(Raw));
  }
  HeaderKind* kinds() const noexcept {
    return reinterpret_cast<HeaderKind*>(block_.data + kMaxFields * (sizeof(Raw) + sizeof(Header)));
  }

  core::IoBuffer block_{};
  uint32_t n_ = 0;
  uint8_t state_ = 0;  // 0: a new field comes next, 1: in a name, 2: in a value
};

}  // namespace weir::http

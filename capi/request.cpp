// weir_request_*: what a C middleware reads and changes about an exchange,
// checked at the boundary (phase, NULLs, bounds) before the Context sees it.
#include "request.hpp"

#include <cstring>
#include <string>

#include "middleware/options.hpp"

using weir::Context;
using weir::capi::guarded;
using weir::capi::view;

weir_request::weir_request(weir::Context& c) noexcept : ctx(&c), info{} {
  info.size = sizeof info;
  const weir::ExchangeInfo* x = c.exchange();
  if (!x) return;
  info.status = x->status;
  info.aborted = x->aborted ? 1 : 0;
  info.bytes_in = x->bytes_in;
  info.bytes_out = x->bytes_out;
  info.duration_us = x->duration_us;
  info.upstream_us = x->upstream_us;
  info.start_ms = x->start_ms;
  info.upstream = view(x->upstream);
  info.retries = x->retries;
  info.reason = view(x->reason);
}

namespace {

constexpr size_t kMaxHeaderValueBytes = 65536;
constexpr size_t kMaxHeaderEdits = 128;
constexpr size_t kMaxBodyBytes = 16u << 20;
constexpr uint32_t kMaxPauseForMs = 600000;

bool in_phase(const weir_request_t* req, Context::Phase p) {
  return req->ctx->phase() == p;
}

bool valid_value(const char* value) {
  size_t n = strnlen(value, kMaxHeaderValueBytes + 1);
  if (n > kMaxHeaderValueBytes) return false;
  return std::strpbrk(value, "\r\n") == nullptr;
}

size_t request_edits(const Context::Edits& e) {
  return e.request_set.size() + e.request_add.size() + e.request_remove.size();
}

size_t response_edits(const Context::Edits& e) {
  return e.response_set.size() + e.response_add.size() + e.response_remove.size();
}

enum class Side { request, response };

// The checks every header edit shares; WEIR_OK when it may go ahead.
weir_status edit_allowed(const weir_request_t* req, Side side, const char* name,
                         const char* value, bool needs_value) {
  if (!req || !name || (needs_value && !value)) return WEIR_EINVAL;
  Context::Phase phase = req->ctx->phase();
  if (side == Side::request ? phase != Context::Phase::request : phase == Context::Phase::log)
    return WEIR_ESTATE;
  if (!weir::mw::valid_field_name(name) || (needs_value && !valid_value(value)))
    return WEIR_EINVAL;
  const Context::Edits& e = *req->ctx->edits();
  size_t edits = side == Side::request ? request_edits(e) : response_edits(e);
  return edits >= kMaxHeaderEdits ? WEIR_EINVAL : WEIR_OK;
}

using SetField = void (Context::*)(std::string_view, std::string_view);
using RemoveField = void (Context::*)(std::string_view);

weir_status set_field(weir_request_t* req, Side side, const char* name, const char* value,
                      SetField edit) {
  if (weir_status st = edit_allowed(req, side, name, value, true); st != WEIR_OK) return st;
  return guarded([&] {
    (req->ctx->*edit)(name, value);
    return WEIR_OK;
  });
}

weir_status remove_field(weir_request_t* req, Side side, const char* name, RemoveField edit) {
  if (weir_status st = edit_allowed(req, side, name, nullptr, false); st != WEIR_OK) return st;
  return guarded([&] {
    (req->ctx->*edit)(name);
    return WEIR_OK;
  });
}

// Request phase, neither answered nor paused yet: what respond and pause need.
weir_status can_take_over(const weir_request_t* req) {
  if (!in_phase(req, Context::Phase::request)) return WEIR_ESTATE;
  const Context::Edits& e = *req->ctx->edits();
  return e.responded || e.paused ? WEIR_ESTATE : WEIR_OK;
}

// A lookup that found `v` (possibly empty: present, unlike not found).
weir_status found(std::string_view v, weir_str* out) {
  *out = view(v);
  return WEIR_OK;
}

}  // namespace

extern "C" {

weir_phase weir_request_phase(const weir_request_t* req) {
  if (!req) return WEIR_PHASE_NONE;
  switch (req->ctx->phase()) {
    case Context::Phase::request:
      return WEIR_PHASE_REQUEST;
    case Context::Phase::response:
      return WEIR_PHASE_RESPONSE;
    case Context::Phase::log:
      return WEIR_PHASE_LOG;
  }
  return WEIR_PHASE_NONE;
}

weir_str weir_request_method(const weir_request_t* req) {
  return req ? view(req->ctx->request().method) : view({});
}

weir_str weir_request_path(const weir_request_t* req) {
  return req ? view(req->ctx->request().path) : view({});
}

weir_str weir_request_query(const weir_request_t* req) {
  return req ? view(req->ctx->request().query) : view({});
}

weir_str weir_request_route(const weir_request_t* req) {
  return req ? view(req->ctx->request().route) : view({});
}

weir_str weir_request_client_ip(const weir_request_t* req) {
  return req ? view(req->ctx->client_ip()) : view({});
}

weir_str weir_request_request_id(const weir_request_t* req) {
  return req ? view(req->ctx->request_id()) : view({});
}

weir_status weir_request_header(const weir_request_t* req, const char* name, weir_str* out) {
  if (!out) return WEIR_EINVAL;
  *out = view({});
  if (!req || !name) return WEIR_EINVAL;
  std::string_view n(name);
  for (const weir::Header& h : req->ctx->request().headers)
    if (weir::iequals(h.name, n)) return found(h.value, out);
  return WEIR_ENOTFOUND;
}

size_t weir_request_header_count(const weir_request_t* req) {
  return req ? req->ctx->request().headers.size() : 0;
}

weir_status weir_request_header_at(const weir_request_t* req, size_t index, weir_str* name,
                                   weir_str* value) {
  if (!name || !value) return WEIR_EINVAL;
  *name = *value = view({});
  if (!req) return WEIR_EINVAL;
  const auto& headers = req->ctx->request().headers;
  if (index >= headers.size()) return WEIR_ENOTFOUND;
  *name = view(headers[index].name);
  *value = view(headers[index].value);
  return WEIR_OK;
}

weir_status weir_request_param(const weir_request_t* req, const char* name, weir_str* out) {
  if (!out) return WEIR_EINVAL;
  *out = view({});
  if (!req || !name) return WEIR_EINVAL;
  const weir::ParamsView& p = req->ctx->request().params;
  for (uint8_t i = 0; i < p.size; ++i)
    if (p.items[i].name == name) return found(p.items[i].value, out);
  return WEIR_ENOTFOUND;
}

weir_status weir_request_value(const weir_request_t* req, const char* key, weir_str* out) {
  if (!out) return WEIR_EINVAL;
  *out = view({});
  if (!req || !key) return WEIR_EINVAL;
  // The values themselves, not Context::value(): an empty value is still set.
  for (const auto& kv : req->ctx->edits()->values)
    if (kv.first == key) return found(kv.second, out);
  return WEIR_ENOTFOUND;
}

uint16_t weir_request_response_status(const weir_request_t* req) {
  return req ? req->ctx->response_status() : 0;
}

const weir_exchange_info* weir_request_exchange(const weir_request_t* req) {
  return req && req->ctx->exchange() ? &req->info : nullptr;
}

weir_status weir_request_set_header(weir_request_t* req, const char* name, const char* value) {
  return set_field(req, Side::request, name, value, &Context::set_request_header);
}

weir_status weir_request_add_header(weir_request_t* req, const char* name, const char* value) {
  return set_field(req, Side::request, name, value, &Context::add_request_header);
}

weir_status weir_request_remove_header(weir_request_t* req, const char* name) {
  return remove_field(req, Side::request, name, &Context::remove_request_header);
}

weir_status weir_request_set_response_header(weir_request_t* req, const char* name,
                                             const char* value) {
  return set_field(req, Side::response, name, value, &Context::set_response_header);
}

weir_status weir_request_add_response_header(weir_request_t* req, const char* name,
                                             const char* value) {
  return set_field(req, Side::response, name, value, &Context::add_response_header);
}

weir_status weir_request_remove_response_header(weir_request_t* req, const char* name) {
  return remove_field(req, Side::response, name, &Context::remove_response_header);
}

weir_status weir_request_set_path(weir_request_t* req, const char* path) {
  if (!req || !path) return WEIR_EINVAL;
  if (!in_phase(req, Context::Phase::request)) return WEIR_ESTATE;
  return guarded([&] { return req->ctx->set_path(path) ? WEIR_OK : WEIR_EINVAL; });
}

weir_status weir_request_set_upstream(weir_request_t* req, const char* name) {
  if (!req || !name) return WEIR_EINVAL;
  if (!in_phase(req, Context::Phase::request)) return WEIR_ESTATE;
  return guarded([&] { return req->ctx->set_upstream(name) ? WEIR_OK : WEIR_ENOTFOUND; });
}

weir_status weir_request_set_endpoint(weir_request_t* req, const char* address) {
  if (!req || !address) return WEIR_EINVAL;
  if (!in_phase(req, Context::Phase::request)) return WEIR_ESTATE;
  return guarded([&] {
    size_t n = strnlen(address, 65);  // a longer one is refused, not measured
    return req->ctx->set_endpoint({address, n}) ? WEIR_OK : WEIR_EINVAL;
  });
}

weir_status weir_request_set_value(weir_request_t* req, const char* key, const char* value) {
  if (!req || !key || !value) return WEIR_EINVAL;
  return guarded([&] {
    // Bounded reads: a key or value past its bound is refused, not measured.
    size_t kn = strnlen(key, Context::kMaxKeyBytes + 1);
    size_t vn = strnlen(value, Context::kMaxValueBytes + 1);
    return req->ctx->set_value({key, kn}, {value, vn}) ? WEIR_OK : WEIR_EINVAL;
  });
}

weir_status weir_request_respond(weir_request_t* req, uint16_t status, const char* body,
                                 size_t len) {
  if (!req || (!body && len) || status < 200 || status > 599 || len > kMaxBodyBytes)
    return WEIR_EINVAL;
  if (weir_status st = can_take_over(req); st != WEIR_OK) return st;
  return guarded([&] {
    req->ctx->respond(status, std::string(body ? body : "", len));
    return WEIR_OK;
  });
}

weir_status weir_request_respond_error(weir_request_t* req, uint16_t status, const char* message) {
  if (!req || !message || status < 200 || status > 599) return WEIR_EINVAL;
  if (weir_status st = can_take_over(req); st != WEIR_OK) return st;
  return guarded([&] {
    req->ctx->respond_error(status, std::string_view(message, strnlen(message, kMaxBodyBytes)));
    return WEIR_OK;
  });
}

weir_status weir_request_pause_for(weir_request_t* req, uint32_t ms) {
  if (!req || ms == 0 || ms > kMaxPauseForMs) return WEIR_EINVAL;
  if (in_phase(req, Context::Phase::log)) return WEIR_ESTATE;
  const Context::Edits& e = *req->ctx->edits();
  if (e.responded || e.paused) return WEIR_ESTATE;
  req->ctx->pause_for(ms);
  return req->ctx->edits()->paused ? WEIR_OK : WEIR_ESTATE;
}

}  // extern "C"

#include <algorithm>
#include <cstring>

#include "http/local_response.hpp"
#include "weir/middleware.hpp"

namespace weir {

namespace {

// The views a caller passes may point into the lists being edited (a value
// copied from another edit or from value()). Appending never moves them
// (field_list.hpp); erasing an entry moves the entries after it, so before
// that the bytes are copied aside, into a per-thread pair reused by every
// call; no user code runs while it is in use.
struct Aside {
  std::string name, value;
};

void set_aside(std::string_view& name, std::string_view& value) {
  thread_local Aside a;
  a.name.assign(name);
  a.value.assign(value);
  name = a.name;
  value = a.value;
}

// The part of drop_named() for lists that may hold `name`.
void drop_held(FieldList& set, FieldList& add, std::string_view& name, std::string_view& value) {
  const bool in_set = set.holds_name(name), in_add = add.holds_name(name);
  if (!in_set && !in_add) return;
  set_aside(name, value);
  auto named = [&](const auto& kv) { return iequals(kv.first, name); };
  if (in_set) set.erase_if(named);
  if (in_add) add.erase_if(named);
}

// Drops the entries named `name` from a side's set and added fields, for
// set and remove, first copying name and value aside when there are any.
// Most edits name a field that neither list holds: the lists' name masks
// alone tell, without a call.
inline void drop_named(FieldList& set, FieldList& add, std::string_view& name,
                       std::string_view& value) {
  if (set.may_hold(name) || add.may_hold(name)) drop_held(set, add, name, value);
}

// Set and remove, the same on the request's lists and on the response's.
void set_field(FieldList& set, FieldList& add, std::string_view name, std::string_view value) {
  drop_named(set, add, name, value);
  set.emplace_back(name, value);
}

void remove_field(FieldList& set, FieldList& add, NameList& remove, std::string_view name) {
  std::string_view none;
  drop_named(set, add, name, none);
  if (!remove.holds_name(name)) remove.push_back(name);
}

bool id_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         c == '.' || c == '_' || c == '-';
}

}  // namespace

void Context::set_request_header(std::string_view name, std::string_view value) {
  edits_->touched |= Edits::request_headers;
  set_field(edits_->request_set, edits_->request_add, name, value);
}

void Context::add_request_header(std::string_view name, std::string_view value) {
  edits_->touched |= Edits::request_headers;
  edits_->request_add.emplace_back(name, value);
}

void Context::remove_request_header(std::string_view name) {
  edits_->touched |= Edits::request_headers;
  remove_field(edits_->request_set, edits_->request_add, edits_->request_remove, name);
}

void Context::set_response_header(std::string_view name, std::string_view value) {
  edits_->touched |= Edits::response_headers;
  set_field(edits_->response_set, edits_->response_add, name, value);
}

void Context::add_response_header(std::string_view name, std::string_view value) {
  edits_->touched |= Edits::response_headers;
  edits_->response_add.emplace_back(name, value);
}

void Context::remove_response_header(std::string_view name) {
  edits_->touched |= Edits::response_headers;
  remove_field(edits_->response_set, edits_->response_add, edits_->response_remove, name);
}

void Context::respond(uint16_t status, std::string body,
                      std::vector<std::pair<std::string, std::string>> headers) {
  edits_->responded = true;
  edits_->local.status = status;
  edits_->local.body = std::move(body);
  edits_->local.headers = std::move(headers);
}

void Context::respond_error(uint16_t status, std::string_view message,
                            std::vector<std::pair<std::string, std::string>> headers) {
  // The same shape as the gateway's own errors (http/local_response.cpp).
  std::string body = "{\"error\":\"";
  http::append_json_escaped(body, message);
  body += "\",\"request_id\":\"";
  body.append(request_id());  // [A-Za-z0-9._-] only: nothing to escape
  body += "\"}\n";
  headers.emplace_back("content-type", "application/json");
  respond(status, std::move(body), std::move(headers));
}

Resumer Context::pause() {
  // The host refuses where the gateway cannot wait: a response it made itself.
  if (phase_ == Phase::log || !edits_->host || edits_->paused || edits_->responded) return {};
  Resumer r = edits_->host->pause_exchange();
  if (r) edits_->paused = true;
  return r;
}

void Context::pause_for(uint32_t ms, std::function<void(Context&)> then) {
  if (phase_ == Phase::log || !edits_->host || edits_->paused || edits_->responded) return;
  if (edits_->host->pause_exchange_for(ms, std::move(then))) edits_->paused = true;
}

bool Context::set_upstream(std::string_view name) {
  if (phase_ != Phase::request || !edits_->host) return false;
  int32_t i = edits_->host->find_upstream(name);
  if (i < 0) return false;
  edits_->upstream = i;
  return true;
}

bool Context::set_request_body(std::string body) {
  if (phase_ != Phase::request || !edits_->in_body_phase) return false;
  edits_->body = std::move(body);
  edits_->body_set = true;
  edits_->body_used = true;
  return true;
}

bool Context::set_endpoint(std::string_view address) {
  if (phase_ != Phase::request || address.empty() || address.size() > 64) return false;
  edits_->endpoint.assign(address);
  edits_->touched |= Edits::route;
  return true;
}

bool Context::set_path(std::string_view path) {
  if (phase_ != Phase::request || path.empty() || path.front() != '/' || path.size() > 8192)
    return false;
  for (char c : path)
    if (c <= ' ' || c >= 0x7f || c == '?' || c == '#') return false;
  edits_->path.assign(path);
  edits_->touched |= Edits::route;
  return true;
}

std::string_view Context::request_id() const noexcept {
  return {edits_->request_id, edits_->request_id_len};
}

bool Context::set_request_id(std::string_view id) noexcept {
  if (id.empty() || id.size() > kMaxRequestIdBytes) return false;
  if (!std::all_of(id.begin(), id.end(), id_char)) return false;
  std::memcpy(edits_->request_id, id.data(), id.size());
  edits_->request_id_len = static_cast<uint8_t>(id.size());
  edits_->request_id_changed = true;
  return true;
}

std::string_view Context::client_ip() const noexcept {
  if (edits_->client_ip_len) return {edits_->client_ip, edits_->client_ip_len};
  return req_->client_ip;
}

bool Context::set_client_ip(std::string_view ip) noexcept {
  if (ip.empty() || ip.size() >= sizeof edits_->client_ip) return false;
  std::memcpy(edits_->client_ip, ip.data(), ip.size());
  edits_->client_ip_len = static_cast<uint8_t>(ip.size());
  return true;
}

bool Context::set_value(std::string_view key, std::string_view value) {
  if (key.empty() || key.size() > kMaxKeyBytes || value.size() > kMaxValueBytes) return false;
  FieldList& values = edits_->values;
  if (values.assign(key, value)) return true;
  if (values.size() >= kMaxValues) return false;
  return values.emplace_back(key, value);
}

std::string_view Context::value(std::string_view key) const noexcept {
  std::string_view v;
  edits_->values.find(key, v);
  return v;
}

}  // namespace weir

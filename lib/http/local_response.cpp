#include "http/local_response.hpp"

#include "http/byte_words.hpp"
#include "http/decimal.hpp"
#include "http/header_kind.hpp"
#include "http/json_escape.hpp"
#include "http/status.hpp"
#include "http/token.hpp"

namespace weir::http {

namespace {
void append_uint(std::string& out, uint64_t v) {
  char buf[20];
  out.append(buf, static_cast<size_t>(write_decimal(buf, v) - buf));
}

void append_status_line(std::string& out, int status) {
  out.append("HTTP/1.1 ");
  append_uint(out, static_cast<uint64_t>(status));
  out.push_back(' ');
  out.append(reason_phrase(status));
  out.append("\r\n");
}

bool has_no_body(int status) { return status < 200 || status == 204 || status == 304; }
}  // namespace

bool is_safe_field(std::string_view name, std::string_view value) noexcept {
  if (!is_token(name)) return false;
  return value.empty() || words::all_words(value.data(), value.size(), [](uint64_t w) {
           return (words::has_zero(w) | words::has_byte(w, '\r') | words::has_byte(w, '\n')) == 0;
         });
}

void append_json_escaped(std::string& out, std::string_view s) {
  size_t at = out.size();
  out.resize(at + kJsonEscapeGrowth * s.size());
  out.resize(static_cast<size_t>(write_json_escaped(out.data() + at, s) - out.data()));
}

void append_error_response(std::string& out, int status, std::string_view message,
                           std::string_view request_id, bool close, bool head_only,
                           std::string_view breaker) {
  std::string body;
  body.reserve(64 + message.size() + request_id.size());
  body.append("{\"error\":\"");
  append_json_escaped(body, message);
  body.append("\",\"request_id\":\"");
  append_json_escaped(body, request_id);
  body.append("\"}\n");
  append_status_line(out, status);
  out.append("content-type: application/json\r\ncontent-length: ");
  append_uint(out, body.size());
  out.append("\r\n");
  if (!request_id.empty()) {
    out.append("x-request-id: ");
    out.append(request_id);
    out.append("\r\n");
  }
  if (!breaker.empty()) {
    out.append("x-weir-breaker: ");
    out.append(breaker);
    out.append("\r\n");
  }
  if (close) out.append("connection: close\r\n");
  out.append("\r\n");
  if (!head_only) out.append(body);
}

void append_response(std::string& out, const Response& res, bool close, bool head_only) {
  int status = res.status >= 100 && res.status <= 999 ? res.status : 500;
  append_status_line(out, status);
  for (const auto& [name, value] : res.headers) {
    // The gateway frames the body; a handler's own framing would desynchronise.
    HeaderKind k = classify_header(name);
    if (is_hop_or_framing(k) || !is_safe_field(name, value)) continue;
    out.append(name);
    out.append(": ");
    out.append(value);
    out.append("\r\n");
  }
  if (!has_no_body(status)) {
    out.append("content-length: ");
    append_uint(out, res.body.size());
    out.append("\r\n");
  }
  if (close) out.append("connection: close\r\n");
  out.append("\r\n");
  if (!head_only && !has_no_body(status)) out.append(res.body);
}

}  // namespace weir::http

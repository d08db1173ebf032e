#include "http/local_response.hpp"

#include <charconv>

#include "http/header_kind.hpp"
#include "http/status.hpp"

namespace weir::http {

namespace {
void append_uint(std::string& out, uint64_t v) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, static_cast<size_t>(r.ptr - buf));
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
  if (name.empty()) return false;
  for (unsigned char c : name) {
    // tchar (RFC 9110 5.6.2)
    bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
    if (!ok) return false;
  }
  for (unsigned char c : value)
    if (c == '\r' || c == '\n' || c == '\0') return false;
  return true;
}

void append_json_escaped(std::string& out, std::string_view s) {
  static const char hex[] = "0123456789abcdef";
  // Runs of plain bytes are appended at once: log lines are mostly plain.
  size_t plain = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(s.data() + plain, i - plain);
    plain = i + 1;
    switch (c) {
      case '"': out.append("\\\""); break;
      case '\\': out.append("\\\\"); break;
      case '\n': out.append("\\n"); break;
      case '\r': out.append("\\r"); break;
      case '\t': out.append("\\t"); break;
      default: {
        char esc[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
        out.append(esc, 6);
      }
    }
  }
  out.append(s.data() + plain, s.size() - plain);
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

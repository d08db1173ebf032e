#include "echo_handler.hpp"

#include <string>

namespace demo {

namespace {
void json_string(std::string& out, std::string_view s) {
  out.push_back('"');
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(static_cast<char>(c));
    } else if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out.append(buf);
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  out.push_back('"');
}
}  // namespace

void echo(const weir::Request& req, weir::Response& res) {
  std::string body = "{\"method\":";
  json_string(body, req.method);
  body += ",\"path\":";
  json_string(body, req.path);
  body += ",\"query\":";
  json_string(body, req.query);
  body += ",\"headers\":{";
  bool first = true;
  for (const weir::Header& h : req.headers) {
    if (!first) body += ',';
    first = false;
    json_string(body, h.name);
    body += ':';
    json_string(body, h.value);
  }
  body += "},\"body\":";
  json_string(body, req.body);
  body += "}\n";
  res.status = 200;
  res.headers.emplace_back("content-type", "application/json");
  res.body = std::move(body);
}

}  // namespace demo

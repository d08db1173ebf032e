#include "http/header_kind.hpp"

#include "weir/http.hpp"

namespace weir::http {

HeaderKind classify_header(std::string_view n) noexcept {
  switch (n.size()) {
    case 2:
      if (iequals(n, "te")) return HeaderKind::te;
      break;
    case 3:
      if (iequals(n, "via")) return HeaderKind::via;
      break;
    case 4:
      if (iequals(n, "host")) return HeaderKind::host;
      break;
    case 6:
      if (iequals(n, "expect")) return HeaderKind::expect;
      break;
    case 7:
      if (iequals(n, "upgrade")) return HeaderKind::upgrade;
      if (iequals(n, "trailer")) return HeaderKind::trailer;
      break;
    case 10:
      if (iequals(n, "connection")) return HeaderKind::connection;
      if (iequals(n, "keep-alive")) return HeaderKind::keep_alive;
      if (iequals(n, "user-agent")) return HeaderKind::user_agent;
      break;
    case 14:
      if (iequals(n, "content-length")) return HeaderKind::content_length;
      break;
    case 15:
      if (iequals(n, "x-forwarded-for")) return HeaderKind::x_forwarded_for;
      break;
    case 16:
      if (iequals(n, "proxy-connection")) return HeaderKind::proxy_connection;
      if (iequals(n, "x-forwarded-host")) return HeaderKind::x_forwarded_host;
      break;
    case 17:
      if (iequals(n, "transfer-encoding")) return HeaderKind::transfer_encoding;
      if (iequals(n, "x-forwarded-proto")) return HeaderKind::x_forwarded_proto;
      break;
    default:
      break;
  }
  return HeaderKind::other;
}

bool has_token(std::string_view value, std::string_view token) noexcept {
  size_t i = 0;
  while (i < value.size()) {
    size_t end = value.find(',', i);
    if (end == std::string_view::npos) end = value.size();
    std::string_view t = value.substr(i, end - i);
    while (!t.empty() && (t.front() == ' ' || t.front() == '\t')) t.remove_prefix(1);
    while (!t.empty() && (t.back() == ' ' || t.back() == '\t')) t.remove_suffix(1);
    if (iequals(t, token)) return true;
    i = end + 1;
  }
  return false;
}

}  // namespace weir::http

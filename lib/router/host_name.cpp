#include "router/host_name.hpp"

#include "router/text.hpp"

namespace weir::router {

namespace {

bool is_dns_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_';
}

bool is_dns_name(std::string_view s) {
  if (s.empty() || s.size() > 253 || s.front() == '.' || s.back() == '.') return false;
  for (char c : s) {
    if (!is_dns_char(c)) return false;
  }
  return s.find("..") == std::string_view::npos;
}

bool is_ip_literal(std::string_view s) {
  // RFC 3986 section 3.2.2: IP-literal = "[" ( IPv6address / IPvFuture ) "]".
  if (s.size() < 3 || s.front() != '[' || s.back() != ']') return false;
  for (char c : s.substr(1, s.size() - 2)) {
    bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == ':' ||
              c == '.';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

std::string parse_host_pattern(std::string_view host, HostPattern* out) {
  out->text.clear();
  if (host.empty() || host == "*") {
    out->kind = HostPattern::Kind::any;
    return {};
  }
  if (host.size() > 2 && host[0] == '*' && host[1] == '.') {
    std::string_view rest = host.substr(2);
    if (!is_dns_name(rest)) return "wildcard host \"" + std::string(host) + "\" is not *.NAME";
    out->kind = HostPattern::Kind::wildcard;
    out->text = "." + ascii_lowered(rest);
    return {};
  }
  if (is_ip_literal(host) || is_dns_name(host)) {
    out->kind = HostPattern::Kind::exact;
    out->text = ascii_lowered(host);
    return {};
  }
  if (host.find(':') != std::string_view::npos && host.front() != '[') {
    return "host \"" + std::string(host) + "\" must not hold a port";
  }
  return "host \"" + std::string(host) + "\" is not a host name, \"*.NAME\" or an IP literal";
}

std::string_view host_name_of(std::string_view host) noexcept {
  if (!host.empty() && host.front() == '[') {
    size_t close = host.find(']');
    return close == std::string_view::npos ? host : host.substr(0, close + 1);
  }
  size_t colon = host.find(':');
  if (colon != std::string_view::npos) host = host.substr(0, colon);
  if (host.size() > 1 && host.back() == '.') host.remove_suffix(1);
  return host;
}

bool wildcard_covers(std::string_view lower_suffix, std::string_view name) noexcept {
  return name.size() > lower_suffix.size() && ends_with_folded(name, lower_suffix);
}

}  // namespace weir::router

// ip_filter: allow and deny lists of CIDR ranges (IPv4 and IPv6); a denied
// client gets 403. Behind load balancers the peer is a proxy: when it is one
// of trusted_proxies, the client is the last X-Forwarded-For hop that is not
// a trusted proxy (hops to its left could be written by the client itself).
// That address becomes the exchange's client address for later middleware.
#include <memory>
#include <string>
#include <vector>

#include "config/key_path.hpp"
#include "config/object_reader.hpp"
#include "middleware/builtin/builtins.hpp"
#include "middleware/options.hpp"
#include "router/ip_cidr.hpp"

namespace weir::mw {

namespace {

struct Spec {
  std::vector<router::Cidr> allow, deny, trusted;

  static bool in(const std::vector<router::Cidr>& list, const IpAddress& a) {
    for (const auto& c : list)
      if (router::cidr_contains(c, a)) return true;
    return false;
  }
};

void read_cidrs(config::ObjectReader& r, std::string_view key, std::vector<router::Cidr>& out) {
  std::vector<std::string> v;
  read_strings(r, key, v);
  for (size_t i = 0; i < v.size() && r.ok(); ++i) {
    std::string text = v[i];
    // A single address is its own /32 or /128.
    if (text.find('/') == std::string::npos)
      text += text.find(':') == std::string::npos ? "/32" : "/128";
    router::Cidr c;
    if (std::string e = router::parse_cidr(text, &c); !e.empty())
      r.adopt(config::path_error(config::index_path(r.path_of(key), i), e));
    out.push_back(c);
  }
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

MiddlewareResult make_ip_filter(std::string_view json) {
  Options o(json, {"type", "name", "allow", "deny", "trusted_proxies"});
  config::ObjectReader& r = o.reader();
  auto spec = std::make_shared<Spec>();
  read_cidrs(r, "allow", spec->allow);
  read_cidrs(r, "deny", spec->deny);
  read_cidrs(r, "trusted_proxies", spec->trusted);
  if (r.ok() && !r.get("allow") && !r.get("deny")) r.fail("allow", "allow or deny is required");
  if (!o.ok()) return failure(o.error());

  MiddlewareResult res;
  res.middleware.on_request = [spec](Context& ctx) {
    IpAddress client{};
    if (!parse_ip_address(ctx.client_ip(), &client)) {
      ctx.respond_error(403, "client address not allowed");
      return;
    }
    router::unmap_ipv4(client);
    if (!spec->trusted.empty() && Spec::in(spec->trusted, client)) {
      // Walk the X-Forwarded-For hops right to left, over every field line.
      std::string_view chosen;
      bool done = false;
      const auto& headers = ctx.request().headers;
      for (size_t h = headers.size(); h-- > 0 && !done;) {
        if (!iequals(headers[h].name, "x-forwarded-for")) continue;
        std::string_view list = headers[h].value;
        while (!list.empty() && !done) {
          size_t comma = list.rfind(',');
          std::string_view hop = trim(comma == std::string_view::npos ? list : list.substr(comma + 1));
          list = comma == std::string_view::npos ? std::string_view() : list.substr(0, comma);
          IpAddress a{};
          if (!parse_ip_address(hop, &a)) {
            done = true;  // garbage from here on: the last good hop stands
            break;
          }
          router::unmap_ipv4(a);
          chosen = hop;
          client = a;
          if (!Spec::in(spec->trusted, a)) done = true;
        }
      }
      if (!chosen.empty()) ctx.set_client_ip(chosen);
    }
    bool denied = Spec::in(spec->deny, client) || (!spec->allow.empty() && !Spec::in(spec->allow, client));
    if (denied) ctx.respond_error(403, "client address not allowed");
  };
  return res;
}

}  // namespace weir::mw

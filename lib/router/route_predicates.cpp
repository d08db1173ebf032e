#include "router/route_predicates.hpp"

#include <algorithm>
#include <utility>
#include <vector>

#include "http/token.hpp"
#include "router/header_match.hpp"
#include "router/text.hpp"

namespace weir::router {

namespace {

// RFC 9110 section 5.5: no control bytes in a field value but HTAB.
bool is_field_value(std::string_view v) {
  for (char c : v) {
    auto u = static_cast<unsigned char>(c);
    if ((u < 0x20 && u != '\t') || u == 0x7f) return false;
  }
  return true;
}

}  // namespace

std::string check_predicates(const Route& route, std::vector<Cidr>* cidrs) {
  for (const std::string& m : route.methods) {
    if (!http::is_token(m)) return "method \"" + m + "\" is not an HTTP token";
  }
  for (const auto& [name, value] : route.headers) {
    if (!http::is_token(name)) return "header name \"" + name + "\" is not an HTTP token";
    if (!is_field_value(value)) return "header \"" + name + "\" value holds control characters";
  }
  for (const HeaderMatch& m : route.header_matches) {
    if (std::string e = check_header_match(m); !e.empty()) return e;
  }
  for (const QueryMatch& q : route.query) {
    if (std::string e = check_query_match(q); !e.empty()) return e;
  }
  for (const std::string& text : route.client_cidrs) {
    Cidr c;
    if (std::string e = parse_cidr(text, &c); !e.empty()) return "client range " + e;
    if (cidrs != nullptr) cidrs->push_back(c);
  }
  return {};
}

uint32_t predicate_count(const Route& route) noexcept {
  return (route.methods.empty() ? 0u : 1u) + static_cast<uint32_t>(route.headers.size()) +
         static_cast<uint32_t>(route.header_matches.size()) + static_cast<uint32_t>(route.query.size()) +
         (route.client_cidrs.empty() ? 0u : 1u);
}

std::string predicate_key(const Route& route) {
  std::vector<std::string> methods = route.methods;
  std::sort(methods.begin(), methods.end());
  methods.erase(std::unique(methods.begin(), methods.end()), methods.end());
  // An equality written in either list reads "name: value"; the other kinds
  // get their own separator, so routes that differ only in the kind of a
  // header predicate are different routes.
  std::vector<std::pair<std::string, std::string>> headers;
  for (const auto& [name, value] : route.headers) headers.emplace_back(ascii_lowered(name), ": " + value);
  for (const HeaderMatch& m : route.header_matches) {
    // Each starts with a byte that no token holds, so it ends the name.
    static constexpr const char* kSeparator[] = {": ", " ?", " ^ ", " ~ "};
    headers.emplace_back(ascii_lowered(m.name), kSeparator[static_cast<size_t>(m.kind)] + m.value);
  }
  std::sort(headers.begin(), headers.end());
  headers.erase(std::unique(headers.begin(), headers.end()), headers.end());

  // '\n' cannot occur in a token or a checked field value, so it separates.
  std::string key;
  for (const std::string& m : methods) key.append(m).push_back('\n');
  key.push_back('\n');
  for (const auto& [name, value] : headers) key.append(name).append(value).push_back('\n');
  // Query names and values may hold any byte: lengths keep them apart.
  std::vector<std::string> query;
  for (const QueryMatch& q : route.query) {
    query.push_back(std::to_string(q.name.size()) + ":" + q.name +
                    (q.present ? std::string("?") : "=" + std::to_string(q.value.size()) + ":" + q.value));
  }
  std::sort(query.begin(), query.end());
  query.erase(std::unique(query.begin(), query.end()), query.end());
  key.push_back('\n');
  for (const std::string& q : query) key.append(q).push_back('\n');
  std::vector<std::string> ranges = route.client_cidrs;
  std::sort(ranges.begin(), ranges.end());
  ranges.erase(std::unique(ranges.begin(), ranges.end()), ranges.end());
  key.push_back('\n');
  for (const std::string& r : ranges) key.append(r).push_back('\n');
  return key;
}

uint32_t method_bit(std::string_view method) noexcept {
  static constexpr std::string_view kMethods[] = {"GET",     "HEAD",    "POST",  "PUT",  "DELETE",
                                                  "CONNECT", "OPTIONS", "TRACE", "PATCH"};
  for (size_t i = 0; i < std::size(kMethods); ++i) {
    if (kMethods[i] == method) return 1u << i;
  }
  return 0;
}

PredicateCheck compile_predicates(const Route& route) {
  PredicateCheck c;
  c.any_method = route.methods.empty();
  for (const std::string& m : route.methods) {
    uint32_t bit = method_bit(m);
    c.methods |= bit;
    if (bit == 0) c.other_methods = true;
  }
  c.headers = !route.headers.empty() || !route.header_matches.empty();
  c.query = !route.query.empty();
  return c;
}

bool method_listed(const Route& route, std::string_view method) noexcept {
  for (const std::string& m : route.methods) {
    if (m == method) return true;
  }
  return false;
}

bool headers_hold(const Route& route, const MatchInput& in) noexcept {
  for (const auto& [name, value] : route.headers) {
    bool found = false;
    for (const Header& h : in.headers) {
      if (h.value == value && iequals(h.name, name)) {
        found = true;
        break;
      }
    }
    if (!found) return false;
  }
  for (const HeaderMatch& m : route.header_matches) {
    if (!header_match_holds(m, in.headers)) return false;
  }
  return true;
}

}  // namespace weir::router

namespace weir::router {

bool query_holds(const Route& route, const MatchInput& in) noexcept {
  for (const QueryMatch& q : route.query) {
    if (!query_holds(in.query, q)) return false;
  }
  return true;
}

bool client_in(std::span<const Cidr> ranges, const IpAddress& client) noexcept {
  for (const Cidr& c : ranges) {
    if (cidr_contains(c, client)) return true;
  }
  return false;
}

}  // namespace weir::router

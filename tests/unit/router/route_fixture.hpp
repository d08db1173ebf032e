// Helpers shared by the router tests: route literals and one-call matching.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "weir/router.hpp"

namespace weir::test {

inline Route path_route(std::string name, std::string path, std::vector<std::string> methods = {},
                        std::string host = {}) {
  Route r;
  r.name = std::move(name);
  r.path = std::move(path);
  r.methods = std::move(methods);
  r.host = std::move(host);
  return r;
}

inline Route prefix_route(std::string name, std::string prefix, std::string host = {}) {
  Route r;
  r.name = std::move(name);
  r.prefix = std::move(prefix);
  r.host = std::move(host);
  return r;
}

inline std::shared_ptr<const RouteTable> build_ok(const Router& router) {
  std::string error;
  auto table = router.build(&error);
  EXPECT_NE(table, nullptr) << error;
  return table;
}

inline std::string build_error(const Router& router) {
  std::string error;
  auto table = router.build(&error);
  EXPECT_EQ(table, nullptr);
  return error;
}

struct Lookup {
  std::string_view method = "GET";
  std::string_view host = "";
  std::vector<Header> headers;
};

inline Lookup by_method(std::string_view method, std::vector<Header> headers = {}) {
  Lookup l;
  l.method = method;
  l.headers = std::move(headers);
  return l;
}
inline Lookup by_host(std::string_view host) {
  Lookup l;
  l.host = host;
  return l;
}
inline Lookup by_headers(std::vector<Header> headers) {
  Lookup l;
  l.headers = std::move(headers);
  return l;
}

// The matched route's name, "<none>" when nothing matched.
inline std::string match_name(const RouteTable& table, std::string_view path, Params* params = nullptr,
                              const Lookup& l = {}) {
  MatchInput in;
  in.method = l.method;
  in.host = l.host;
  in.path = path;
  in.headers = l.headers;
  Params local;
  const Route* r = table.match(in, params != nullptr ? *params : local);
  return r == nullptr ? "<none>" : r->name;
}

}  // namespace weir::test

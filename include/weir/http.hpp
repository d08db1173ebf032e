// Views of HTTP messages as middleware, handlers and the router see them.
// A view borrows the connection's parse buffer: it is valid only during the
// call that receives it. Nothing here allocates.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "weir/export.hpp"

namespace weir {

struct Header {
  std::string_view name;
  std::string_view value;
};

// ASCII case-insensitive equality, as header names compare (RFC 9110 5.1).
WEIR_API bool iequals(std::string_view a, std::string_view b) noexcept;

// Route parameters captured by the router (`/users/:id` -> {"id", "42"}).
struct Param {
  std::string_view name;
  std::string_view value;
};
struct Params {
  static constexpr size_t kMax = 16;
  std::array<Param, kMax> items{};
  uint8_t size = 0;

  std::string_view get(std::string_view name) const noexcept;
};

// The params of a request, borrowed from the exchange like the request's
// other views: a request view is made for each phase of each exchange, and
// a copy of Params would clear its 16 items every time.
struct ParamsView {
  const Param* items = nullptr;  // [0, size)
  uint8_t size = 0;

  ParamsView() = default;
  // Implicit, as a std::string_view is made from a std::string.
  ParamsView(const Params& p) noexcept : items(p.items.data()), size(p.size) {}

  std::string_view get(std::string_view name) const noexcept {
    for (uint8_t i = 0; i < size; ++i)
      if (items[i].name == name) return items[i].value;
    return {};
  }
  const Param* begin() const noexcept { return items; }
  const Param* end() const noexcept { return items + size; }
};

inline std::string_view Params::get(std::string_view name) const noexcept {
  return ParamsView(*this).get(name);
}

struct Request {
  std::string_view method;       // "GET"
  std::string_view target;       // as received: "/a/b?x=1"
  std::string_view path;         // normalised path, no query
  std::string_view query;        // after '?', without it
  std::string_view host;         // Host header, as received
  std::string_view user_agent;   // the first User-Agent header, as received
  uint8_t version_minor = 1;     // HTTP/1.x
  std::span<const Header> headers;
  std::string_view body;         // handlers: the whole body (bounded by limits)
  std::string_view client_ip;    // "127.0.0.1", "::1"
  std::string_view route;        // name of the matched route
  ParamsView params;             // the route's captured params

  // First header with this name (case-insensitive), or an empty view. The
  // lengths are compared here, inline: most names differ in length, and
  // those make no call.
  std::string_view header(std::string_view name) const noexcept {
    for (const Header& h : headers)
      if (h.name.size() == name.size() && iequals(h.name, name)) return h.value;
    return {};
  }
};

// A response made in the process (handlers, local replies, errors).
struct Response {
  uint16_t status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

}  // namespace weir

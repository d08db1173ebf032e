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

  Params() = default;
  // Copies only the captured items: a request view is made for each phase of
  // each exchange, and most routes capture none of the 16.
  Params(const Params& o) noexcept : size(o.size) { copy_items(o); }
  Params& operator=(const Params& o) noexcept {
    size = o.size;
    copy_items(o);
    return *this;
  }
  std::string_view get(std::string_view name) const noexcept {
    for (uint8_t i = 0; i < size; ++i)
      if (items[i].name == name) return items[i].value;
    return {};
  }

 private:
  void copy_items(const Params& o) noexcept {
    for (uint8_t i = 0; i < o.size && i < kMax; ++i) items[i] = o.items[i];
  }
};

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
  Params params;

  // First header with this name (case-insensitive), or an empty view.
  std::string_view header(std::string_view name) const noexcept {
    for (const Header& h : headers)
      if (iequals(h.name, name)) return h.value;
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

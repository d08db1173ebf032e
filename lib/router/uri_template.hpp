// Templates of redirect locations and rewritten paths: "https://{host}{path}{query}",
// "/v2/users/{id}". Parsed once when a table is built into literal pieces and
// variables, so a request only copies bytes.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "weir/http.hpp"

namespace weir::router {

// Where rendered bytes go: a HeadBuffer on the proxied path, a std::string
// for a redirect's Location.
class TextSink {
 public:
  virtual void append(std::string_view bytes) = 0;

 protected:
  ~TextSink() = default;
};

// What a template's variables take from the request.
struct TemplateValues {
  std::string_view host;   // the Host header as received (the port is dropped)
  std::string_view path;   // normalised path
  std::string_view query;  // after '?', without it; as received
  const Params* params = nullptr;
};

class UriTemplate {
 public:
  enum class Use : uint8_t {
    location,  // {host}, {path}, {query} and params; any URI-reference text
    path,      // {path} and params; must start with '/'
  };

  // Parses `text`. `param_names` are the route's captures in order (the
  // template refers to them by position). Returns "" or why it is malformed.
  std::string compile(std::string_view text, std::span<const std::string_view> param_names, Use use);

  bool empty() const noexcept { return pieces_.empty(); }

  // An upper bound of the rendered size when no value is longer than
  // `longest_value` bytes (escaping at most triples a byte).
  size_t max_rendered(size_t longest_value) const noexcept;

  // Appends the rendered template. Request values are percent-encoded where
  // they hold bytes a URI may not (RFC 3986 section 2), so no CR, LF, space
  // or control byte can reach the output; the host keeps only host characters.
  void render(const TemplateValues& v, TextSink& out) const;

 private:
  enum class Part : uint8_t { literal, host, path, query, param };
  struct Piece {
    Part part;
    uint8_t param;   // Part::param: position among the captures
    uint32_t begin;  // Part::literal: into text_
    uint32_t len;
  };
  std::string text_;
  std::vector<Piece> pieces_;
};

}  // namespace weir::router

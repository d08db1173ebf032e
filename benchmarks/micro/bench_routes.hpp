// The route sets the router benchmarks run on, shared with the Go peer
// through plain text files: one route or request a line, "METHOD PATH
// [HOST]", '#' comments.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace weir::bench {

struct Line {
  std::string method;
  std::string path;
  std::string host;  // "" for any host
};

// Reads a route or request file; on failure returns false and sets `error`.
bool read_lines(const std::string& file, std::vector<Line>* out, std::string* error);
bool write_lines(const std::string& file, const std::vector<Line>& lines);

// A REST API of `count` routes over five virtual hosts (four named, one for
// any host): versioned resources with items and sub-resources, every path
// also valid for httprouter (no static and param siblings).
std::vector<Line> api_routes(size_t count);

// One request per route, params filled with plausible values, in a
// shuffled order fixed by `seed`.
std::vector<Line> hit_requests(const std::vector<Line>& routes, uint32_t seed);

// Requests that no route of api_routes() matches: unknown resources, extra
// segments, unknown versions, spread over the hosts.
std::vector<Line> api_misses(size_t count, uint32_t seed);

}  // namespace weir::bench

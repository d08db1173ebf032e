// The compressed radix tree that matches paths. Static edges hold byte
// strings; a node may also have one ":param" child (one non-empty segment)
// and one "*catch-all" child (the rest of the path). Prefix routes sit on the
// node where their literal prefix ends.
//
// Built in a mutable form (RadixTreeBuilder), then laid out flat
// (RadixForest: all virtual hosts' trees in a few arrays), and matched
// without allocating.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "router/route_pattern.hpp"
#include "weir/http.hpp"

namespace weir::router {

inline constexpr uint32_t kNone = UINT32_MAX;

// Labels and fan-outs are short, so plain loops beat the library calls.
inline bool same_bytes(const char* a, const char* b, size_t n) noexcept {
  for (size_t i = 0; i < n; ++i) {
    if (a[i] != b[i]) return false;
  }
  return true;
}

inline uint32_t find_byte(const char* bytes, uint32_t n, char c) noexcept {
  for (uint32_t i = 0; i < n; ++i) {
    if (bytes[i] == c) return i;
  }
  return kNone;
}

struct BuildNode {
  std::string label;
  std::vector<std::unique_ptr<BuildNode>> children;  // static; distinct first bytes
  std::unique_ptr<BuildNode> param;
  std::unique_ptr<BuildNode> catch_all;
  std::vector<uint32_t> routes;         // patterns ending here, in try order
  std::vector<uint32_t> prefix_routes;  // prefixes ending here, in try order
};

class RadixTreeBuilder {
 public:
  // Routes are tried in the order they are inserted into the same node, so
  // the caller inserts them most specific first.
  void insert_pattern(const ParsedPattern& pattern, uint32_t route);
  void insert_prefix(std::string_view prefix, uint32_t route);
  const BuildNode& root() const noexcept { return root_; }

 private:
  BuildNode root_;
};

class RadixForest {
 public:
  // Lays out a built tree; returns its root.
  uint32_t add_tree(const BuildNode& root);

  // The first pattern route, in precedence order, whose path matches and
  // for which `accept(route, captured)` is true; params.items[0, captured)
  // then hold the captured values. Static edges are tried before the param
  // child, the param child before the catch-all, with backtracking.
  template <class Accept>
  uint32_t match_path(uint32_t root, std::string_view path, Params& params, Accept& accept) const noexcept {
    return visit(root, path, 0, params, 0, accept);
  }

  // The first prefix route, longest prefix first, for which accept(route, 0).
  template <class Accept>
  uint32_t match_prefix(uint32_t root, std::string_view path, Accept& accept) const noexcept;

  size_t node_count() const noexcept { return nodes_.size(); }

 private:
  struct Node {
    uint32_t label_begin = 0;
    uint32_t label_len = 0;
    uint32_t children_begin = 0;  // static children are nodes_[begin, begin + count)
    uint32_t children_count = 0;
    uint32_t param = kNone;
    uint32_t catch_all = kNone;
    uint32_t routes_begin = 0;  // into route_ids_
    uint32_t routes_count = 0;
    uint32_t prefix_begin = 0;
    uint32_t prefix_count = 0;
    uint32_t prefix_parent = kNone;  // nearest ancestor holding prefix routes
  };

  void place(uint32_t slot, const BuildNode& b, uint32_t prefix_parent);

  template <class Accept>
  uint32_t accept_first(uint32_t begin, uint32_t count, uint8_t captured, Accept& accept) const noexcept {
    for (uint32_t i = begin; i < begin + count; ++i) {
      if (accept(route_ids_[i], captured)) return route_ids_[i];
    }
    return kNone;
  }

  template <class Accept>
  uint32_t visit(uint32_t n, std::string_view path, size_t pos, Params& params, uint8_t depth,
                 Accept& accept) const noexcept;

  std::vector<Node> nodes_;
  std::vector<char> first_bytes_;  // first label byte of each node, for child lookup
  std::string labels_;
  std::vector<uint32_t> route_ids_;
};

template <class Accept>
uint32_t RadixForest::visit(uint32_t n, std::string_view path, size_t pos, Params& params, uint8_t depth,
                            Accept& accept) const noexcept {
  // Recursion depth is bounded by the tree's height, which the routes fix,
  // not by the request path.
  const Node& node = nodes_[n];
  if (node.label_len != 0) {
    if (path.size() - pos < node.label_len ||
        !same_bytes(path.data() + pos, labels_.data() + node.label_begin, node.label_len)) {
      return kNone;
    }
    pos += node.label_len;
  }
  uint32_t hit = kNone;
  if (pos == path.size()) {
    hit = accept_first(node.routes_begin, node.routes_count, depth, accept);
    if (hit != kNone) return hit;
  } else {
    if (node.children_count != 0) {
      uint32_t k = find_byte(first_bytes_.data() + node.children_begin, node.children_count, path[pos]);
      if (k != kNone) {
        hit = visit(node.children_begin + k, path, pos, params, depth, accept);
        if (hit != kNone) return hit;
      }
    }
    if (node.param != kNone && depth < Params::kMax) {
      size_t end = path.find('/', pos);
      if (end == std::string_view::npos) end = path.size();
      if (end > pos) {
        params.items[depth].value = path.substr(pos, end - pos);
        hit = visit(node.param, path, end, params, static_cast<uint8_t>(depth + 1), accept);
        if (hit != kNone) return hit;
      }
    }
  }
  if (node.catch_all != kNone && depth < Params::kMax) {
    params.items[depth].value = path.substr(pos);
    const Node& c = nodes_[node.catch_all];
    hit = accept_first(c.routes_begin, c.routes_count, static_cast<uint8_t>(depth + 1), accept);
  }
  return hit;
}

template <class Accept>
uint32_t RadixForest::match_prefix(uint32_t root, std::string_view path, Accept& accept) const noexcept {
  // Prefixes are literal, so all the ones that match lie on the single
  // static walk along the path; remember the deepest, then climb.
  uint32_t deepest = kNone;
  uint32_t n = root;
  size_t pos = 0;
  for (;;) {
    const Node& node = nodes_[n];
    if (path.size() - pos < node.label_len ||
        !same_bytes(path.data() + pos, labels_.data() + node.label_begin, node.label_len)) {
      break;
    }
    pos += node.label_len;
    if (node.prefix_count != 0) deepest = n;
    if (pos == path.size() || node.children_count == 0) break;
    uint32_t k = find_byte(first_bytes_.data() + node.children_begin, node.children_count, path[pos]);
    if (k == kNone) break;
    n = node.children_begin + k;
  }
  for (uint32_t p = deepest; p != kNone; p = nodes_[p].prefix_parent) {
    uint32_t hit = accept_first(nodes_[p].prefix_begin, nodes_[p].prefix_count, 0, accept);
    if (hit != kNone) return hit;
  }
  return kNone;
}

}  // namespace weir::router

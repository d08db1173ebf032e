#include "router/radix_tree.hpp"

#include <algorithm>

namespace weir::router {

namespace {

// Walks `text` down the static edges from `n`, splitting an edge where the
// text leaves it, and returns the node where the text ends.
BuildNode* insert_literal(BuildNode* n, std::string_view text) {
  while (!text.empty()) {
    auto it = std::find_if(n->children.begin(), n->children.end(),
                           [&](const std::unique_ptr<BuildNode>& c) { return c->label[0] == text[0]; });
    if (it == n->children.end()) {
      auto leaf = std::make_unique<BuildNode>();
      leaf->label.assign(text);
      n->children.push_back(std::move(leaf));
      return n->children.back().get();
    }
    BuildNode* child = it->get();
    size_t common = 0;
    size_t limit = std::min(child->label.size(), text.size());
    while (common < limit && child->label[common] == text[common]) ++common;
    if (common < child->label.size()) {
      auto mid = std::make_unique<BuildNode>();
      mid->label = child->label.substr(0, common);
      child->label.erase(0, common);
      mid->children.push_back(std::move(*it));
      *it = std::move(mid);
      child = it->get();
    }
    text.remove_prefix(common);
    n = child;
  }
  return n;
}

}  // namespace

void RadixTreeBuilder::insert_pattern(const ParsedPattern& pattern, uint32_t route) {
  BuildNode* n = &root_;
  for (const PatternPiece& piece : pattern.pieces) {
    switch (piece.kind) {
      case PieceKind::literal:
        n = insert_literal(n, piece.text);
        break;
      case PieceKind::param:
        if (!n->param) n->param = std::make_unique<BuildNode>();
        n = n->param.get();
        break;
      case PieceKind::catch_all:
        if (!n->catch_all) n->catch_all = std::make_unique<BuildNode>();
        n = n->catch_all.get();
        break;
    }
  }
  n->routes.push_back(route);
}

void RadixTreeBuilder::insert_prefix(std::string_view prefix, uint32_t route) {
  insert_literal(&root_, prefix)->prefix_routes.push_back(route);
}

uint32_t RadixForest::add_tree(const BuildNode& root) {
  auto slot = static_cast<uint32_t>(nodes_.size());
  nodes_.emplace_back();
  first_bytes_.push_back('\0');
  place(slot, root, kNone);
  return slot;
}

void RadixForest::place(uint32_t slot, const BuildNode& b, uint32_t prefix_parent) {
  // nodes_ grows below, so the slot is re-indexed after every append.
  {
    Node& node = nodes_[slot];
    node.label_begin = static_cast<uint32_t>(labels_.size());
    node.label_len = static_cast<uint32_t>(b.label.size());
    node.routes_begin = static_cast<uint32_t>(route_ids_.size());
    node.routes_count = static_cast<uint32_t>(b.routes.size());
    node.prefix_parent = prefix_parent;
  }
  first_bytes_[slot] = b.label.empty() ? '\0' : b.label[0];
  labels_.append(b.label);
  route_ids_.insert(route_ids_.end(), b.routes.begin(), b.routes.end());
  nodes_[slot].prefix_begin = static_cast<uint32_t>(route_ids_.size());
  nodes_[slot].prefix_count = static_cast<uint32_t>(b.prefix_routes.size());
  route_ids_.insert(route_ids_.end(), b.prefix_routes.begin(), b.prefix_routes.end());

  uint32_t below = b.prefix_routes.empty() ? prefix_parent : slot;

  // Static children take one contiguous block, so their first bytes are
  // scanned as one short array.
  std::vector<const BuildNode*> kids;
  kids.reserve(b.children.size());
  for (const auto& c : b.children) kids.push_back(c.get());
  std::sort(kids.begin(), kids.end(), [](const BuildNode* x, const BuildNode* y) {
    return static_cast<unsigned char>(x->label[0]) < static_cast<unsigned char>(y->label[0]);
  });
  auto begin = static_cast<uint32_t>(nodes_.size());
  nodes_[slot].children_begin = begin;
  nodes_[slot].children_count = static_cast<uint32_t>(kids.size());
  nodes_.resize(nodes_.size() + kids.size());
  first_bytes_.resize(nodes_.size(), '\0');
  for (size_t i = 0; i < kids.size(); ++i) place(begin + static_cast<uint32_t>(i), *kids[i], below);

  // Prefix routes are literal: they never lie below a param or a catch-all.
  if (b.param) {
    auto p = static_cast<uint32_t>(nodes_.size());
    nodes_.emplace_back();
    first_bytes_.push_back('\0');
    nodes_[slot].param = p;
    place(p, *b.param, kNone);
  }
  if (b.catch_all) {
    auto c = static_cast<uint32_t>(nodes_.size());
    nodes_.emplace_back();
    first_bytes_.push_back('\0');
    nodes_[slot].catch_all = c;
    place(c, *b.catch_all, kNone);
  }
}

}  // namespace weir::router

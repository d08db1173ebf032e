#include <exception>

#include "router/route_index.hpp"
#include "router/trailing_slash.hpp"
#include "weir/router.hpp"

namespace weir {

const Route* RouteTable::match(const MatchInput& in, Params& params) const noexcept {
  params.size = 0;
  if (!index_) return nullptr;
  uint32_t i = index_->match(routes_, in, params);
  // The path as sent wins; its other spelling only fills a miss.
  if (i == router::kNone && trailing_slash_ == TrailingSlash::ignore) {
    i = router::match_other_spelling(*index_, routes_, in, params);
  }
  if (i == router::kNone) {
    params.size = 0;
    return nullptr;
  }
  return &routes_[i];
}

bool RouteTable::slash_redirect(const MatchInput& in) const noexcept {
  if (!index_ || trailing_slash_ != TrailingSlash::redirect) return false;
  Params scratch;
  return router::match_other_spelling(*index_, routes_, in, scratch) != router::kNone;
}

Router& Router::add(Route route) {
  routes_.push_back(std::move(route));
  return *this;
}

std::shared_ptr<const RouteTable> Router::build(std::string* error) const {
  // Errors are values here: a failed allocation while copying or compiling
  // becomes an error message, not an exception for the caller.
  try {
    auto table = std::make_shared<RouteTable>();
    table->routes_ = routes_;
    table->trailing_slash_ = trailing_slash_;
    std::unique_ptr<router::RouteIndex> index = router::RouteIndex::compile(table->routes_, error);
    if (!index) return nullptr;
    table->index_ = std::move(index);
    return table;
  } catch (const std::exception& e) {
    if (error != nullptr) *error = std::string("router build failed: ") + e.what();
    return nullptr;
  }
}

}  // namespace weir

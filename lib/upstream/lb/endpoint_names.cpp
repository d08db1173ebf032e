#include "upstream/lb/endpoint_names.hpp"

namespace weir::upstream::lb {

std::vector<std::string> endpoint_names(std::span<const std::string_view> names, size_t count) {
  std::vector<std::string> out;
  out.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    out.push_back(names.empty() ? std::to_string(i) : std::string(names[i]));
  }
  return out;
}

}  // namespace weir::upstream::lb

#include "middleware/builtin/jwt/claims.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace weir::jwt {

namespace {

bool scalar_text(const picojson::value& v, std::string& out) {
  if (v.is<std::string>()) {
    out = v.get<std::string>();
  } else if (v.is<bool>()) {
    out = v.get<bool>() ? "true" : "false";
  } else if (v.is<double>()) {
    double d = v.get<double>();
    // Integers up to 2^53 are exact in a double; print them without an
    // exponent, since user ids are often numbers.
    if (std::trunc(d) == d && std::fabs(d) <= 9007199254740992.0) {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(d));
      out = buf;
    } else {
      out = v.to_str();
    }
  } else {
    return false;
  }
  return true;
}

}  // namespace

Claims::Claims(picojson::object object) : object_(std::move(object)) {
  texts_.reserve(object_.size());
  std::string text;
  // picojson::object is a std::map, so this is already in name order.
  for (const auto& [name, value] : object_) {
    if (scalar_text(value, text)) texts_.emplace_back(name, text);
  }
}

const std::string* Claims::text(std::string_view name) const noexcept {
  auto it = std::lower_bound(texts_.begin(), texts_.end(), name,
                             [](const auto& entry, std::string_view n) { return entry.first < n; });
  if (it == texts_.end() || it->first != name) return nullptr;
  return &it->second;
}

}  // namespace weir::jwt

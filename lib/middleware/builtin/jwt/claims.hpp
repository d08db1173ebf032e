// The claims of a verified token: the JSON object, and its top-level
// scalar members as text for forwarding as headers and for rate-limit keys.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <picojson.h>

namespace weir::jwt {

class Claims {
 public:
  explicit Claims(picojson::object object);

  const picojson::object& object() const noexcept { return object_; }

  // A top-level claim as text: strings as they are, integers in decimal,
  // other numbers as picojson prints them, booleans as true/false. nullptr
  // for absent claims, null, arrays and objects.
  const std::string* text(std::string_view name) const noexcept;

  // All such claims, sorted by name.
  const std::vector<std::pair<std::string, std::string>>& texts() const noexcept { return texts_; }

 private:
  picojson::object object_;
  std::vector<std::pair<std::string, std::string>> texts_;
};

}  // namespace weir::jwt

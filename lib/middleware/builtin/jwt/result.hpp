// A value or the reason there is none. Errors cross module boundaries as
// values, never as exceptions.
#pragma once

#include <string>
#include <utility>

namespace weir::jwt {

template <typename T>
struct Result {
  T value{};
  std::string error;  // empty when the value is valid

  bool ok() const noexcept { return error.empty(); }

  static Result success(T v) { return Result{std::move(v), {}}; }
  static Result failure(std::string why) { return Result{T{}, std::move(why)}; }
};

}  // namespace weir::jwt

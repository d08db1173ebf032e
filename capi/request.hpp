// The opaque weir_request_t of the C ABI: a borrowed Context for the length
// of one callback, made on the worker's stack, so calling a C middleware
// allocates nothing.
#pragma once

#include <new>
#include <string_view>

#include "weir.h"
#include "weir/middleware.hpp"

struct weir_request {
  weir::Context* ctx;
  weir_exchange_info info;  // filled in the log phase only

  explicit weir_request(weir::Context& c) noexcept;
};

namespace weir::capi {

inline weir_str view(std::string_view v) noexcept {
  return v.empty() ? weir_str{"", 0} : weir_str{v.data(), v.size()};
}

// Runs an editing call and turns an escaping exception into a status: no
// exception may cross the ABI.
template <typename F>
weir_status guarded(F&& f) noexcept {
  try {
    return f();
  } catch (const std::bad_alloc&) {
    return WEIR_ENOMEM;
  } catch (...) {
    return WEIR_EINTERNAL;
  }
}

}  // namespace weir::capi

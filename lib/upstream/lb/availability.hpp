// Reading the caller's availability array (PickInput::available): one byte
// per endpoint, non-zero when the endpoint is healthy and not ejected.
#pragma once

#include <cstdint>

namespace weir::upstream::lb {

inline bool is_available(const uint8_t* available, uint32_t i) noexcept {
  return available == nullptr || available[i] != 0;
}

// Whether any endpoint is available: the slow path a policy takes only after
// a short search found none, to tell "unlucky" from "all down".
inline bool any_available(const uint8_t* available, uint32_t n) noexcept {
  if (available == nullptr) return true;
  for (uint32_t i = 0; i < n; ++i) {
    if (available[i] != 0) return true;
  }
  return false;
}

inline uint32_t count_available(const uint8_t* available, uint32_t n) noexcept {
  if (available == nullptr) return n;
  uint32_t count = 0;
  for (uint32_t i = 0; i < n; ++i) count += available[i] != 0 ? 1u : 0u;
  return count;
}

}  // namespace weir::upstream::lb

// A small number that tells the calling thread apart from the others, for
// spreading threads over replicated state without asking who owns what.
#pragma once

#include <cstddef>

namespace weir::jwt {

// Assigned on a thread's first call (0, 1, 2, ...), then constant for it.
size_t thread_slot() noexcept;

}  // namespace weir::jwt

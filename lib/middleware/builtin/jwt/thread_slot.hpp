// A small number that tells the calling thread apart from the threads alive
// with it, for spreading threads over replicated state without asking who
// owns what.
#pragma once

#include <cstddef>

namespace weir::jwt {

// Assigned on a thread's first call, constant for it, and not held by any
// other thread alive at the same time: 0, 1, 2, ..., with the numbers of
// threads that ended given again to new ones. A thread's end happens before
// its number's next holder gets it.
size_t thread_slot() noexcept;

}  // namespace weir::jwt

// Counts heap allocations made through operator new in this program, so a
// benchmark can report allocations per operation.
#pragma once

#include <cstddef>

namespace weir::bench {

size_t allocation_count() noexcept;

}  // namespace weir::bench

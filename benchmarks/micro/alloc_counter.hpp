// Counts heap allocations made through operator new in this program, so a
// benchmark can report allocations per operation and the memory a structure holds.
#pragma once

#include <cstddef>

namespace weir::bench {

size_t allocation_count() noexcept;

// Bytes currently allocated through operator new (the allocator's usable
// size of each block, so what the heap really holds for the program).
size_t live_bytes() noexcept;

}  // namespace weir::bench

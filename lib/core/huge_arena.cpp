#include "core/huge_arena.hpp"

#include <sys/mman.h>

namespace weir::core {

HugeArena::~HugeArena() {
  if (base_) ::munmap(base_, max_bytes_);
}

bool HugeArena::open_region() noexcept {
  if (!base_) {
    if (max_bytes_ == 0) return false;
    // One region more than needed, then the unaligned ends cut off: a huge
    // page needs a range aligned to its size. PROT_NONE: address space only.
    size_t span = max_bytes_ + kRegionBytes;
    void* m = ::mmap(nullptr, span, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (m == MAP_FAILED) {
      max_bytes_ = 0;  // no second try on every carve
      return false;
    }
    auto start = reinterpret_cast<uintptr_t>(m);
    uintptr_t aligned = (start + kRegionBytes - 1) & ~(uintptr_t{kRegionBytes} - 1);
    if (aligned > start) ::munmap(m, aligned - start);
    uintptr_t tail = aligned + max_bytes_, end = start + span;
    if (end > tail) ::munmap(reinterpret_cast<void*>(tail), end - tail);
    base_ = reinterpret_cast<char*>(aligned);
  }
  if (opened_ >= max_bytes_) return false;
  char* r = base_ + opened_;
  if (::mprotect(r, kRegionBytes, PROT_READ | PROT_WRITE) != 0) return false;
  // Advice only: without transparent huge pages the region is plain pages.
  ::madvise(r, kRegionBytes, MADV_HUGEPAGE);
  opened_ += kRegionBytes;
  next_ = r;
  end_ = r + kRegionBytes;
  return true;
}

void* HugeArena::carve(size_t bytes) noexcept {
  bytes = (bytes + 63) & ~size_t{63};
  if (bytes == 0 || bytes > kRegionBytes) return nullptr;
  if (static_cast<size_t>(end_ - next_) < bytes && !open_region()) return nullptr;
  void* p = next_;
  next_ += bytes;
  return p;
}

}  // namespace weir::core

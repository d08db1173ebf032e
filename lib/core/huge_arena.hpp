// Memory for one worker's pools (I/O buffers, message heads, header tables,
// middleware edits), carved from 2 MiB regions that the kernel may back with
// a huge page each (madvise(MADV_HUGEPAGE); transparent huge pages in
// "madvise" or "always" mode).
//
// Why: with hundreds of exchanges in flight, each one's read buffer, header
// table, heads and edits sit on 4 KiB pages of their own, several thousand
// pages in all, more than the TLB holds. By the time an exchange's response
// comes back, touching its state costs a page walk on top of each cache miss
// (a two-level walk on a virtual machine). A huge page needs one TLB entry
// for 2 MiB of pieces.
//
// Pieces are never handed back: the pools keep them on their free lists, so
// an arena only grows, to at most `max_bytes`; past that the pools allocate
// with malloc as before. The address range for `max_bytes` is reserved (not
// committed) at the first carve and regions are opened in it one at a time,
// so that whether a piece is the arena's is one comparison. Loop-affine, like
// the pools: no locks.
#pragma once

#include <cstddef>
#include <cstdint>

namespace weir::core {

class HugeArena {
 public:
  static constexpr size_t kRegionBytes = size_t{2} << 20;
  // What a worker keeps at most: enough for about 600 exchanges in flight
  // (a read buffer, a header table, two heads and edits each).
  static constexpr size_t kWorkerBytes = size_t{32} << 20;

  explicit HugeArena(size_t max_bytes = kWorkerBytes) noexcept
      : max_bytes_(max_bytes / kRegionBytes * kRegionBytes) {}
  ~HugeArena();
  HugeArena(const HugeArena&) = delete;
  HugeArena& operator=(const HugeArena&) = delete;

  // `bytes` (at most a region), 64-byte aligned; nullptr when the bound is
  // reached or no region could be mapped. The rest of a region too small for
  // a piece is left unused.
  void* carve(size_t bytes) noexcept;
  // Whether `p` was carved here.
  bool owns(const void* p) const noexcept {
    return reinterpret_cast<uintptr_t>(p) - reinterpret_cast<uintptr_t>(base_) < opened_;
  }
  // Bytes of regions opened so far (committed as they are touched).
  size_t opened_bytes() const noexcept { return opened_; }

 private:
  bool open_region() noexcept;

  size_t max_bytes_;
  char* base_ = nullptr;  // the reserved range, kRegionBytes-aligned
  size_t opened_ = 0;     // regions opened from base_
  char* next_ = nullptr;
  char* end_ = nullptr;
};

// Whether `p` was carved from `arena`; false without one (a pool made
// without an arena).
inline bool carved_from(const HugeArena* arena, const void* p) noexcept {
  return arena && arena->owns(p);
}

}  // namespace weir::core

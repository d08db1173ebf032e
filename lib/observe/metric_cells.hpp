// One worker's metric cells: 64-bit counters addressed by a cell index that
// the registry hands out. Only the owning worker writes its block (a plain
// load and store, no read-modify-write); readers on other threads sum the
// blocks of all workers with relaxed loads. Cells live in fixed-size chunks
// allocated when series are registered (off the request path) and never
// freed or moved before the registry, so a writer never waits and never
// allocates. Each worker's chunks are its own allocations, aligned to cache
// lines, so workers never write the same line.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>

namespace weir::observe {

inline constexpr uint32_t kNoCell = UINT32_MAX;

class CellBlock {
 public:
  static constexpr uint32_t kChunkCells = 512;
  static constexpr uint32_t kMaxChunks = 128;  // at most 65536 cells per worker
  static constexpr uint32_t kMaxCells = kChunkCells * kMaxChunks;

  CellBlock() = default;
  CellBlock(const CellBlock&) = delete;
  CellBlock& operator=(const CellBlock&) = delete;
  ~CellBlock() {
    for (auto& c : chunks_) delete c.load(std::memory_order_relaxed);
  }

  // Owning worker only. Cells out of range (kNoCell: the registry was full)
  // are ignored.
  void add(uint32_t cell, uint64_t v) noexcept {
    if (cell >= kMaxCells) return;
    Chunk* c = chunks_[cell / kChunkCells].load(std::memory_order_acquire);
    if (!c) return;
    std::atomic<uint64_t>& a = c->cells[cell % kChunkCells];
    a.store(a.load(std::memory_order_relaxed) + v, std::memory_order_relaxed);
  }

  // Any thread.
  uint64_t read(uint32_t cell) const noexcept {
    if (cell >= kMaxCells) return 0;
    const Chunk* c = chunks_[cell / kChunkCells].load(std::memory_order_acquire);
    return c ? c->cells[cell % kChunkCells].load(std::memory_order_relaxed) : 0;
  }

  // Registry only (under its lock): makes cells [0, count) writable.
  bool reserve(uint32_t count) {
    if (count > kMaxCells) return false;
    for (uint32_t i = 0; i * kChunkCells < count; ++i)
      if (!chunks_[i].load(std::memory_order_relaxed))
        chunks_[i].store(new Chunk, std::memory_order_release);
    return true;
  }

 private:
  struct alignas(64) Chunk {
    std::array<std::atomic<uint64_t>, kChunkCells> cells{};
  };
  std::array<std::atomic<Chunk*>, kMaxChunks> chunks_{};
};

}  // namespace weir::observe

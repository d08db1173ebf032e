// HugeArena and the pools that carve from it: pieces are aligned, disjoint
// and bounded; the pools keep the arena's pieces (which cannot be freed),
// past their caches too; a grown arena buffer keeps its bytes and leaves
// the piece with the pool; edits made in the arena are reused and destroyed
// with their pool. ASan checks that nothing is freed that malloc did not
// give.
#include <gtest/gtest.h>
#include <sys/mman.h>

#include <cstdint>
#include <cstring>
#include <set>
#include <string>
#include <vector>

#include "core/buffer_pool.hpp"
#include "core/edits_pool.hpp"
#include "core/huge_arena.hpp"

namespace {

using weir::core::BufferPool;
using weir::core::EditsPool;
using weir::core::HugeArena;
using weir::core::IoBuffer;

constexpr size_t kRegion = HugeArena::kRegionBytes;

TEST(HugeArena, PiecesAreAlignedDisjointAndWritable) {
  HugeArena arena(2 * kRegion);
  std::vector<char*> pieces;
  for (size_t bytes : {1u, 63u, 64u, 65u, 1000u, 4096u, 32768u}) {
    auto* p = static_cast<char*>(arena.carve(bytes));
    ASSERT_NE(p, nullptr) << bytes;
    EXPECT_EQ(reinterpret_cast<uintptr_t>(p) % 64, 0u) << bytes;
    EXPECT_TRUE(arena.owns(p));
    EXPECT_TRUE(arena.owns(p + bytes - 1));
    std::memset(p, 0xab, bytes);
    if (!pieces.empty()) {
      EXPECT_GE(p, pieces.back() + 64);  // rounded up, no overlap
    }
    pieces.push_back(p);
  }
  int local = 0;
  std::string heap(100, 'x');
  EXPECT_FALSE(arena.owns(&local));
  EXPECT_FALSE(arena.owns(heap.data()));
  EXPECT_FALSE(arena.owns(nullptr));
}

TEST(HugeArena, RegionsAreAlignedForHugePages) {
  HugeArena arena(2 * kRegion);
  auto* p = static_cast<char*>(arena.carve(64));
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(p) % kRegion, 0u);
  EXPECT_EQ(arena.opened_bytes(), kRegion);
}

TEST(HugeArena, StopsAtItsBound) {
  HugeArena arena(2 * kRegion);
  size_t carved = 0;
  while (arena.carve(256 * 1024)) carved += 256 * 1024;
  EXPECT_EQ(carved, 2 * kRegion);
  EXPECT_EQ(arena.opened_bytes(), 2 * kRegion);
  EXPECT_EQ(arena.carve(64), nullptr);
  EXPECT_EQ(arena.carve(kRegion + 1), nullptr);
  EXPECT_EQ(arena.carve(0), nullptr);
}

TEST(HugeArena, APieceThatDoesNotFitOpensTheNextRegion) {
  HugeArena arena(2 * kRegion);
  auto* a = static_cast<char*>(arena.carve(kRegion - 64));
  auto* b = static_cast<char*>(arena.carve(128));  // 64 bytes left: the rest is skipped
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(b, a + kRegion);
  EXPECT_TRUE(arena.owns(b + 127));
  EXPECT_FALSE(arena.owns(b + kRegion));
}

TEST(HugeArena, ABoundBelowARegionCarvesNothing) {
  HugeArena none(kRegion - 1);
  EXPECT_EQ(none.carve(64), nullptr);
  EXPECT_EQ(none.opened_bytes(), 0u);
}

TEST(BufferPoolArena, TakesFromTheArenaThenFromTheHeap) {
  HugeArena arena(kRegion);
  BufferPool pool(32 * 1024, &arena, /*max_cached=*/2);
  std::vector<IoBuffer> taken;
  for (int i = 0; i < 64; ++i) taken.push_back(pool.take());  // one region: 64 buffers
  for (const IoBuffer& b : taken) {
    ASSERT_NE(b.data, nullptr);
    EXPECT_TRUE(arena.owns(b.data));
    EXPECT_EQ(b.cap, 32u * 1024);
  }
  IoBuffer heap = pool.take();
  ASSERT_NE(heap.data, nullptr);
  EXPECT_FALSE(arena.owns(heap.data));
  std::memset(heap.data, 1, heap.cap);
  // All 64 arena buffers are kept although the cache holds 2; the heap one
  // is freed (ASan would report a free of an arena piece, or a leak).
  for (const IoBuffer& b : taken) pool.give(b);
  pool.give(heap);
  std::set<char*> again;
  for (int i = 0; i < 64; ++i) {
    IoBuffer b = pool.take();
    EXPECT_TRUE(arena.owns(b.data));
    again.insert(b.data);
  }
  EXPECT_EQ(again.size(), 64u);  // the same 64, each once
  for (char* p : again) pool.give({p, 32 * 1024});
}

TEST(BufferPoolArena, GrowingAnArenaBufferKeepsItsBytesAndThePiece) {
  HugeArena arena(kRegion);
  BufferPool pool(4096, &arena);
  IoBuffer b = pool.take();
  ASSERT_TRUE(arena.owns(b.data));
  char* piece = b.data;
  for (uint32_t i = 0; i < b.cap; ++i) b.data[i] = static_cast<char>(i * 7);
  ASSERT_TRUE(pool.grow(b, 10000));
  EXPECT_GE(b.cap, 10000u);
  EXPECT_FALSE(arena.owns(b.data));  // the heap's now: realloc and free apply
  for (uint32_t i = 0; i < 4096; ++i) ASSERT_EQ(b.data[i], static_cast<char>(i * 7)) << i;
  ASSERT_TRUE(pool.grow(b, 40000));  // a heap buffer grows in place
  EXPECT_EQ(b.data[4095], static_cast<char>(4095 * 7));
  pool.give(b);                      // grown: freed
  EXPECT_EQ(pool.take().data, piece);  // the piece went back to the pool
}

TEST(BufferPoolArena, WithoutAnArenaBuffersComeFromTheHeap) {
  BufferPool pool(4096);
  IoBuffer b = pool.take();
  ASSERT_NE(b.data, nullptr);
  ASSERT_TRUE(pool.grow(b, 9000));
  pool.give(b);
}

TEST(EditsPoolArena, EditsAreMadeInTheArenaAndReused) {
  HugeArena arena(kRegion);
  std::vector<weir::Context::Edits*> taken;
  {
    EditsPool pool(&arena);
    for (int i = 0; i < 8; ++i) {
      weir::Context::Edits* e = pool.take();
      ASSERT_TRUE(arena.owns(e));
      EXPECT_EQ(reinterpret_cast<uintptr_t>(e) % alignof(weir::Context::Edits), 0u);
      ASSERT_TRUE(e->values.emplace_back("k", "v"));
      e->body = std::string(100000, 'b');  // a heap allocation the pool must free
      e->body_used = true;
      e->claims = std::make_shared<int>(1);
      taken.push_back(e);
    }
    for (auto* e : taken) pool.give(e);
    weir::Context::Edits* again = pool.take();
    EXPECT_EQ(again, taken.back());  // most recently given first
    EXPECT_TRUE(again->values.empty());
    EXPECT_TRUE(again->body.empty());
    EXPECT_FALSE(again->claims);
    pool.give(again);
  }  // destroys the edits in place; LeakSanitizer sees any body left behind
}

TEST(EditsPoolArena, AFullArenaFallsBackToTheHeap) {
  HugeArena arena(0);
  EditsPool pool(&arena);
  weir::Context::Edits* e = pool.take();
  ASSERT_NE(e, nullptr);
  EXPECT_FALSE(arena.owns(e));
  pool.give(e);
}

}  // namespace

// wall_ms_at: the wall-clock time of a uv_hrtime() instant, from an offset
// read once a second.
#include <gtest/gtest.h>

#include <sys/time.h>
#include <uv.h>

#include <cstdlib>

#include "core/wall_clock.hpp"

namespace {

int64_t gettimeofday_ms() {
  timeval tv{};
  gettimeofday(&tv, nullptr);
  return static_cast<int64_t>(tv.tv_sec) * 1000 + tv.tv_usec / 1000;
}

TEST(WallClock, AgreesWithTheWallClock) {
  uint64_t now = uv_hrtime();
  int64_t expected = gettimeofday_ms();
  EXPECT_LE(std::llabs(weir::core::wall_ms_at(now, now) - expected), 20);
  // An instant 1.5 s earlier is 1.5 s earlier on the wall clock too.
  EXPECT_LE(std::llabs(weir::core::wall_ms_at(now - 1'500'000'000, now) - (expected - 1500)), 20);
}

}  // namespace

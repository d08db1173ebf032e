/* What the C11 tests of the ABI share: checks that fail fast (print where,
 * exit 1) and bounded waiting. Needs _POSIX_C_SOURCE >= 199309L. */
#ifndef WEIR_TESTS_CAPI_CHECK_H
#define WEIR_TESTS_CAPI_CHECK_H

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "weir.h"

#define CHECK(cond)                                                            \
  do {                                                                         \
    if (!(cond)) {                                                             \
      fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
      exit(1);                                                                 \
    }                                                                          \
  } while (0)

#define CHECK_STATUS(expr, want)                                              \
  do {                                                                        \
    weir_status got_ = (expr);                                                \
    if (got_ != (want)) {                                                     \
      fprintf(stderr, "%s:%d: %s returned %d (%s), expected %s\n", __FILE__, \
              __LINE__, #expr, (int)got_, weir_status_str(got_), #want);      \
      exit(1);                                                                \
    }                                                                         \
  } while (0)

static inline void sleep_ms(long ms) {
  struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
  nanosleep(&ts, NULL);
}

static inline double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

#endif /* WEIR_TESTS_CAPI_CHECK_H */

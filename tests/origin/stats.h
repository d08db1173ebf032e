// Counters the tests read through /stats to see what reached the origin.
#pragma once

#include <stdatomic.h>

struct origin_stats {
  atomic_ulong connections_accepted;  // every accepted TCP connection
  atomic_ulong control_connections;   // connections whose first request was /stats
  atomic_ulong connections_open;
  atomic_ulong requests;              // requests other than /stats
};

extern struct origin_stats g_stats;

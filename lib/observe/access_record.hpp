// One exchange as the access log sees it, and its JSON form.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace weir::observe {

class Pseudonymiser;

struct AccessRecord {
  int64_t time_ms = 0;             // start of the exchange, Unix epoch
  std::string_view method, path, route, request_id, trace_id, span_id;
  std::string_view client, user_agent, upstream, reason;
  uint16_t status = 0;
  uint64_t bytes_in = 0;           // request body bytes read
  uint64_t bytes_out = 0;          // response body bytes sent
  uint64_t duration_us = 0;        // whole exchange
  uint64_t upstream_us = 0;        // waiting for the upstream's response head
  uint32_t retries = 0;
};

// Room write_access_fields() may need for `r`: the line is formatted straight
// into a buffer of this size, without a check per piece.
size_t access_fields_bound(const AccessRecord& r) noexcept;

// Writes `{"time":...` and the record's fields at `out`, leaving the object
// open (the caller may add members, then "}\n"); returns the end. Empty views
// are left out. With a pseudonymiser, the client address is replaced by its
// keyed hash.
char* write_access_fields(char* out, const AccessRecord& r, const Pseudonymiser* p) noexcept;

// The whole line: the fields, "}" and a newline, appended to `out`.
void append_access_json(std::string& out, const AccessRecord& r, const Pseudonymiser* p);

}  // namespace weir::observe

// Client address ranges (RFC 4632 CIDR notation, RFC 4291 section 2.3 for
// IPv6): parsed when a table is built, compared per request as bytes.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "weir/router.hpp"

namespace weir::router {

struct Cidr {
  IpAddress network;  // host bits cleared
  uint8_t bits = 0;   // prefix length
};

// Parses "10.0.0.0/8", "::1/128" or a bare address (a /32 or /128). Set
// host bits are an error: "10.1.0.0/8" is a typo more often than intended.
// Returns "" or why it is malformed.
std::string parse_cidr(std::string_view text, Cidr* out);

// Whether `addr` lies in `range`; an address of the other family never does.
bool cidr_contains(const Cidr& range, const IpAddress& addr) noexcept;

// IPv4-mapped IPv6 addresses (::ffff:a.b.c.d, what a dual-stack socket
// reports for an IPv4 client) become plain IPv4, so IPv4 ranges match them.
void unmap_ipv4(IpAddress& addr) noexcept;

}  // namespace weir::router

#include "router/ip_cidr.hpp"

#include <arpa/inet.h>

#include <charconv>
#include <cstring>

namespace weir {

bool parse_ip_address(std::string_view text, IpAddress* out) noexcept {
  char buf[INET6_ADDRSTRLEN + 1];
  if (text.empty() || text.size() >= sizeof buf) return false;
  std::memcpy(buf, text.data(), text.size());
  buf[text.size()] = '\0';
  IpAddress a;
  if (inet_pton(AF_INET, buf, a.bytes.data()) == 1) {
    a.family = 4;
  } else if (inet_pton(AF_INET6, buf, a.bytes.data()) == 1) {
    a.family = 6;
    router::unmap_ipv4(a);
  } else {
    return false;
  }
  *out = a;
  return true;
}

}  // namespace weir

namespace weir::router {

void unmap_ipv4(IpAddress& a) noexcept {
  static constexpr uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (a.family != 6 || std::memcmp(a.bytes.data(), kMapped, sizeof kMapped) != 0) return;
  std::memmove(a.bytes.data(), a.bytes.data() + 12, 4);
  std::memset(a.bytes.data() + 4, 0, 12);
  a.family = 4;
}

std::string parse_cidr(std::string_view text, Cidr* out) {
  size_t slash = text.find('/');
  std::string_view addr = text.substr(0, slash);
  Cidr c;
  if (!parse_ip_address(addr, &c.network)) return "\"" + std::string(addr) + "\" is not an IP address";
  // A mapped address written as IPv6 is compared as IPv4: its prefix length
  // counts the 96 mapping bits too.
  bool was_mapped = c.network.family == 4 && addr.find(':') != std::string_view::npos;
  unsigned max = c.network.family == 4 && !was_mapped ? 32 : 128;
  unsigned bits = max;
  if (slash != std::string_view::npos) {
    std::string_view len = text.substr(slash + 1);
    auto r = std::from_chars(len.data(), len.data() + len.size(), bits);
    if (len.empty() || r.ec != std::errc() || r.ptr != len.data() + len.size() || bits > max)
      return "prefix length \"" + std::string(len) + "\" must be 0.." + std::to_string(max);
  }
  if (was_mapped) {
    if (bits < 96) return "a prefix of an IPv4-mapped address must be at least 96 bits";
    bits -= 96;
  }
  c.bits = static_cast<uint8_t>(bits);
  for (unsigned i = bits; i < 128; ++i) {
    if (c.network.bytes[i / 8] & (0x80 >> (i % 8))) return "\"" + std::string(text) + "\" has host bits set";
  }
  *out = c;
  return {};
}

bool cidr_contains(const Cidr& range, const IpAddress& addr) noexcept {
  if (addr.family != range.network.family) return false;
  unsigned full = range.bits / 8;
  if (std::memcmp(range.network.bytes.data(), addr.bytes.data(), full) != 0) return false;
  unsigned rest = range.bits % 8;
  if (rest == 0) return true;
  auto mask = static_cast<uint8_t>(0xff << (8 - rest));
  return (addr.bytes[full] & mask) == range.network.bytes[full];
}

}  // namespace weir::router

// Endpoint addresses: literals, their printed identity, and which addresses
// of a name's answer become endpoints.
#include <arpa/inet.h>
#include <gtest/gtest.h>

#include <cstring>
#include <deque>

#include "upstream/address.hpp"

namespace {

using weir::upstream::format_address;
using weir::upstream::parse_ip;
using weir::upstream::select_addresses;
using weir::upstream::SocketAddress;

// An addrinfo chain as getaddrinfo returns it, built from literals.
class Answer {
 public:
  Answer& add(const char* ip) {
    SocketAddress a;
    EXPECT_TRUE(parse_ip(ip, 53, a)) << ip;  // a port the selection must drop
    addrs_.push_back(a);
    addrinfo ai{};
    ai.ai_family = a.storage.ss_family;
    ai.ai_socktype = SOCK_STREAM;
    ai.ai_addrlen = a.storage.ss_family == AF_INET6 ? sizeof(sockaddr_in6) : sizeof(sockaddr_in);
    infos_.push_back(ai);
    return *this;
  }
  const addrinfo* chain() {
    for (size_t i = 0; i < infos_.size(); ++i) {
      infos_[i].ai_addr = const_cast<sockaddr*>(addrs_[i].get());
      infos_[i].ai_next = i + 1 < infos_.size() ? &infos_[i + 1] : nullptr;
    }
    return infos_.empty() ? nullptr : &infos_[0];
  }

 private:
  std::deque<SocketAddress> addrs_;
  std::deque<addrinfo> infos_;
};

std::vector<std::string> printed(const std::vector<SocketAddress>& all) {
  std::vector<std::string> out;
  for (const SocketAddress& a : all) out.push_back(format_address(a));
  return out;
}

TEST(Address, LiteralsParseAndNamesDoNot) {
  SocketAddress a;
  ASSERT_TRUE(parse_ip("192.0.2.7", 8080, a));
  EXPECT_EQ(format_address(a), "192.0.2.7:8080");
  ASSERT_TRUE(parse_ip("2001:db8:0::1", 443, a));
  EXPECT_EQ(format_address(a), "[2001:db8::1]:443");  // one spelling per address
  EXPECT_FALSE(parse_ip("api.internal", 80, a));
  EXPECT_FALSE(parse_ip("localhost", 80, a));
  EXPECT_FALSE(parse_ip("256.1.1.1", 80, a));
}

TEST(Address, EqualityCoversFamilyAddressAndPort) {
  SocketAddress a, b, c, d;
  ASSERT_TRUE(parse_ip("10.0.0.1", 80, a));
  ASSERT_TRUE(parse_ip("10.0.0.1", 80, b));
  ASSERT_TRUE(parse_ip("10.0.0.1", 81, c));
  ASSERT_TRUE(parse_ip("::ffff:10.0.0.1", 80, d));
  EXPECT_EQ(a, b);
  EXPECT_FALSE(a == c);
  EXPECT_FALSE(a == d);
  EXPECT_TRUE(a < c || c < a);
}

TEST(Address, AnswerGivesItsIPv4AddressesSortedOnceWithoutPort) {
  Answer answer;
  answer.add("10.0.0.3").add("2001:db8::1").add("10.0.0.1").add("10.0.0.3").add("10.0.0.2");
  std::vector<SocketAddress> got = select_addresses(answer.chain());
  EXPECT_EQ(printed(got), (std::vector<std::string>{"10.0.0.1:0", "10.0.0.2:0", "10.0.0.3:0"}));
}

TEST(Address, AnswerWithoutIPv4GivesItsIPv6Addresses) {
  Answer answer;
  answer.add("2001:db8::2").add("2001:db8::1").add("2001:db8::2");
  EXPECT_EQ(printed(select_addresses(answer.chain())),
            (std::vector<std::string>{"[2001:db8::1]:0", "[2001:db8::2]:0"}));
  EXPECT_TRUE(select_addresses(nullptr).empty());
}

TEST(Address, SplitHostPortRefusesMalformedForms) {
  std::string host;
  uint16_t port = 0;
  EXPECT_TRUE(weir::upstream::split_host_port("api.internal:443", host, port));
  EXPECT_EQ(host, "api.internal");
  EXPECT_EQ(port, 443);
  EXPECT_TRUE(weir::upstream::split_host_port("[::1]:80", host, port));
  EXPECT_EQ(host, "::1");
  EXPECT_FALSE(weir::upstream::split_host_port("api.internal", host, port));
  EXPECT_FALSE(weir::upstream::split_host_port("::1:80", host, port));
  EXPECT_FALSE(weir::upstream::split_host_port("api:0", host, port));
  EXPECT_FALSE(weir::upstream::split_host_port(":80", host, port));
}

}  // namespace

// The HTTP probe's request bytes and the reading of the status line.
#include <gtest/gtest.h>

#include <cstring>

#include "upstream/health/probe_request.hpp"

namespace {

using weir::StatusRange;
using namespace weir::upstream::health;

int parse(const char* s) { return parse_status_line(s, std::strlen(s)); }

TEST(ProbeRequest, IsAGetWithHostAndConnectionClose) {
  EXPECT_EQ(probe_request("/healthz", "api.internal"),
            "GET /healthz HTTP/1.1\r\nHost: api.internal\r\nUser-Agent: weir-health-check\r\n"
            "Accept: */*\r\nConnection: close\r\n\r\n");
}

TEST(ProbeRequest, ReadsTheStatusLine) {
  EXPECT_EQ(parse("HTTP/1.1 200 OK\r\n"), 200);
  EXPECT_EQ(parse("HTTP/1.0 503 Service Unavailable\r\nServer: x\r\n"), 503);
  EXPECT_EQ(parse("HTTP/1.1 204 \r\n"), 204);
  EXPECT_EQ(parse("HTTP/1.1 404\r\n"), 404);  // empty reason
  EXPECT_EQ(parse("HTTP/1.1 200 OK"), kIncomplete);
  EXPECT_EQ(parse(""), kIncomplete);
  EXPECT_EQ(parse("HTTP/2 200 OK\r\n"), kMalformed);
  EXPECT_EQ(parse("HTTP/1.1 2x0 OK\r\n"), kMalformed);
  EXPECT_EQ(parse("HTTP/1.1 2000 OK\r\n"), kMalformed);
  EXPECT_EQ(parse("SSH-2.0-OpenSSH\r\n"), kMalformed);
  EXPECT_EQ(parse("\r\n"), kMalformed);
}

TEST(ProbeRequest, ExpectedStatuses) {
  std::vector<StatusRange> none;
  EXPECT_TRUE(status_expected(none, 200));
  EXPECT_TRUE(status_expected(none, 399));
  EXPECT_FALSE(status_expected(none, 199));
  EXPECT_FALSE(status_expected(none, 400));
  std::vector<StatusRange> list = {{200, 200}, {418, 418}};
  EXPECT_TRUE(status_expected(list, 418));
  EXPECT_FALSE(status_expected(list, 204));
}

}  // namespace

// normalize_path: the normal form the gateway routes on and forwards, and
// the attacks it must refuse.
#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "router/path_normalize.hpp"

namespace weir::test {
namespace {

struct Normalised {
  PathError error;
  std::string path;
};

Normalised norm(std::string_view raw, size_t cap = 4096) {
  std::string out(cap, '\0');
  size_t len = 12345;
  PathError e = normalize_path(raw, out.data(), cap, &len);
  if (e != PathError::none) {
    EXPECT_EQ(len, 0u) << raw;
    return {e, {}};
  }
  out.resize(len);
  return {e, out};
}

void expect_path(std::string_view raw, std::string_view want) {
  Normalised n = norm(raw);
  EXPECT_EQ(n.error, PathError::none) << raw << " -> " << path_error_name(n.error);
  EXPECT_EQ(n.path, want) << raw;
}

void expect_error(std::string_view raw, PathError want) {
  EXPECT_EQ(norm(raw).error, want) << raw << " gave " << path_error_name(norm(raw).error);
}

TEST(PathNormalize, LeavesNormalPathsAlone) {
  for (const char* p : {"/", "/a", "/a/b", "/a/b/", "/users/42/files/report.pdf", "/v1/items:batchGet",
                        "/a;b=c", "/~user/-_.!$&'()*+,;=:@", "/%2F", "/a%20b", "/..."}) {
    expect_path(p, p);
  }
}

TEST(PathNormalize, MergesEmptySegmentsAndKeepsTrailingSlash) {
  expect_path("//", "/");
  expect_path("//a//b", "/a/b");
  expect_path("/a//", "/a/");
  expect_path("/a///b///", "/a/b/");
}

TEST(PathNormalize, ResolvesDotSegments) {
  expect_path("/.", "/");
  expect_path("/./a", "/a");
  expect_path("/a/.", "/a/");
  expect_path("/a/./b", "/a/b");
  expect_path("/a/b/..", "/a/");
  expect_path("/a/b/../c", "/a/c");
  expect_path("/a/b/../../c", "/c");
  expect_path("/a/..", "/");
  expect_path("/a/../", "/");
  expect_path("/a//..//b", "/b");
  expect_path("/a/.../b", "/a/.../b");
  expect_path("/a/..b/c", "/a/..b/c");
}

TEST(PathNormalize, RefusesTraversalAboveRoot) {
  expect_error("/..", PathError::traversal);
  expect_error("/../etc/passwd", PathError::traversal);
  expect_error("/a/../../etc/passwd", PathError::traversal);
  expect_error("/a/./../..", PathError::traversal);
}

TEST(PathNormalize, EncodedDotsAreDotSegments) {
  expect_path("/a/%2e/b", "/a/b");
  expect_path("/a/b/%2e%2e/c", "/a/c");
  expect_path("/a/b/%2E%2E/c", "/a/c");
  expect_path("/a/b/.%2e/c", "/a/c");
  expect_error("/%2e%2e/etc/passwd", PathError::traversal);
  expect_error("/static/%2e%2e/%2e%2e/etc/passwd", PathError::traversal);
}

TEST(PathNormalize, EncodedSlashStaysData) {
  expect_path("/a%2fb", "/a%2Fb");
  expect_path("/a%2F..%2Fb", "/a%2F..%2Fb");  // one segment, not a traversal
  expect_path("/files/..%2f..%2fetc", "/files/..%2F..%2Fetc");
  expect_path("/a/%2f/../b", "/a/b");
}

TEST(PathNormalize, DecodesUnreservedOnlyAndUppercasesOtherEscapes) {
  expect_path("/%41%42%63%7E%2D%5F%2E%30", "/ABc~-_.0");
  expect_path("/caf%c3%a9", "/caf%C3%A9");
  expect_path("/a%3bb", "/a%3Bb");
  expect_path("/%25", "/%25");
  expect_path("/%252e%252e", "/%252e%252e");  // decoded once only
  expect_path("/a%3fb", "/a%3Fb");
  expect_path("/%00", "/%00");
}

TEST(PathNormalize, EncodesBytesOutsidePchar) {
  expect_path("/caf\xc3\xa9", "/caf%C3%A9");
  expect_path("/a\"b<c>", "/a%22b%3Cc%3E");
  expect_path("/{x}|^`", "/%7Bx%7D%7C%5E%60");
  expect_path("/[x]#", "/%5Bx%5D%23");
}

TEST(PathNormalize, RefusesBadEscapes) {
  expect_error("/%", PathError::bad_encoding);
  expect_error("/%2", PathError::bad_encoding);
  expect_error("/a%2", PathError::bad_encoding);
  expect_error("/%zz", PathError::bad_encoding);
  expect_error("/%2g/", PathError::bad_encoding);
  expect_error("/%%41", PathError::bad_encoding);
}

TEST(PathNormalize, RefusesControlsSpaceAndBackslash) {
  expect_error("/a b", PathError::bad_char);
  expect_error("/a\tb", PathError::bad_char);
  expect_error("/a\r\nb", PathError::bad_char);
  expect_error(std::string_view("/a\0b", 4), PathError::bad_char);
  expect_error("/a\x7f", PathError::bad_char);
  expect_error("/a\\..\\secret", PathError::bad_char);
  expect_error("", PathError::bad_char);
  expect_error("a/b", PathError::bad_char);
  expect_error("*", PathError::bad_char);
}

TEST(PathNormalize, SemicolonIsAnOrdinaryCharacter) {
  expect_path("/admin;x/../secret", "/secret");
  expect_path("/admin;x", "/admin;x");
  expect_path("/a;b/c;d", "/a;b/c;d");
  expect_path("/a/b;c/..", "/a/");
  expect_path("/a/...;x", "/a/...;x");
}

TEST(PathNormalize, RefusesDotOrEmptySegmentsWithParameters) {
  expect_error("/secret/..;/admin", PathError::traversal);
  expect_error("/secret/..;jsessionid=1/admin", PathError::traversal);
  expect_error("/.;/admin", PathError::traversal);
  expect_error("/;x/admin", PathError::traversal);
  expect_error("/a/%2e%2e;/b", PathError::traversal);
  expect_error("/a/.%2e;x", PathError::traversal);
}

TEST(PathNormalize, TooLong) {
  EXPECT_EQ(norm("/abc", 4).error, PathError::none);
  EXPECT_EQ(norm("/abc", 4).path, "/abc");
  EXPECT_EQ(norm("/abcd", 4).error, PathError::too_long);
  EXPECT_EQ(norm("/abc/", 4).error, PathError::too_long);
  EXPECT_EQ(norm("/a\xff", 4).error, PathError::too_long);  // escaping grows the path
  EXPECT_EQ(norm("/", 0).error, PathError::too_long);
  std::string huge = "/" + std::string(1 << 20, 'a');
  EXPECT_EQ(norm(huge, 8192).error, PathError::too_long);
  EXPECT_EQ(norm(huge, huge.size()).path, huge);
  std::string slashes(1 << 20, '/');
  EXPECT_EQ(norm(slashes, 16).path, "/");
}

TEST(PathNormalize, NeverWritesPastCap) {
  const char* inputs[] = {"/abcdefgh", "/\xff\xff\xff", "/a/b/c/../../d/e/f", "/%41%42%43%44%45", "/%2f%2f%2f"};
  for (const char* raw : inputs) {
    for (size_t cap = 0; cap < 16; ++cap) {
      char buf[32];
      std::memset(buf, '#', sizeof buf);
      size_t len = 0;
      PathError e = normalize_path(raw, buf, cap, &len);
      for (size_t i = cap; i < sizeof buf; ++i) ASSERT_EQ(buf[i], '#') << raw << " cap " << cap;
      if (e == PathError::none) {
        EXPECT_LE(len, cap);
      } else {
        EXPECT_EQ(e, PathError::too_long) << raw << " cap " << cap;
      }
    }
  }
}

TEST(PathNormalize, IsIdempotent) {
  for (const char* p : {"/a/./b/../c//d/", "/%2e%2E/x/../y", "/caf\xc3\xa9/%41%2f", "/a;b/../c;d/e"}) {
    Normalised once = norm(p);
    if (once.error != PathError::none) continue;
    Normalised twice = norm(once.path);
    EXPECT_EQ(twice.error, PathError::none) << p;
    EXPECT_EQ(twice.path, once.path) << p;
  }
}

TEST(PathNormalize, ErrorNames) {
  EXPECT_STREQ(path_error_name(PathError::traversal), "traversal");
  EXPECT_STREQ(path_error_name(PathError::bad_encoding), "bad_encoding");
}

}  // namespace
}  // namespace weir::test

// The `key` option: parsing, errors, and the key bytes built from a request.
#include <gtest/gtest.h>

#include <array>
#include <set>
#include <string>
#include <vector>

#include "middleware/builtin/rate_limit/key_spec.hpp"

namespace weir::ratelimit {
namespace {

TEST(KeySpec, ParsesEveryPart) {
  const KeySpecResult r = parse_key_spec("ip+header:X-User-Id+query:token+claim:sub+consumer+route");
  ASSERT_TRUE(r.ok()) << r.error;
  ASSERT_EQ(r.spec.size, 6);
  EXPECT_EQ(r.spec.parts[0].kind, PartKind::ip);
  EXPECT_EQ(r.spec.parts[1].kind, PartKind::header);
  EXPECT_EQ(r.spec.parts[1].name, "x-user-id");  // field names fold
  EXPECT_EQ(r.spec.parts[2].kind, PartKind::query);
  EXPECT_EQ(r.spec.parts[2].name, "token");
  EXPECT_EQ(r.spec.parts[3].kind, PartKind::claim);
  EXPECT_EQ(r.spec.parts[3].name, "sub");
  EXPECT_EQ(r.spec.parts[4].kind, PartKind::consumer);
  EXPECT_EQ(r.spec.parts[5].kind, PartKind::route);
}

TEST(KeySpec, ErrorsNameTheProblem) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "key: must name at least one part"},
      {"foo", "key: unknown part \"foo\""},
      {"ip+foo:bar", "key: unknown part \"foo:bar\""},
      {"IP", "key: unknown part \"IP\""},
      {"ip+", "key: empty part in \"ip+\""},
      {"+ip", "key: empty part in \"+ip\""},
      {"ip++route", "key: empty part in \"ip++route\""},
      {"ip:x", "key: \"ip\" takes no name"},
      {"route:", "key: \"route\" takes no name"},
      {"header", "key: \"header:\" needs a name"},
      {"header:", "key: \"header:\" needs a name"},
      {"query:", "key: \"query:\" needs a name"},
      {"claim", "key: \"claim:\" needs a name"},
      {"header:x y", "key: \"header:x y\": invalid character in the name"},
      {"header:a:b", "key: \"header:a:b\": invalid character in the name"},
      {"query:a=b", "key: \"query:a=b\": invalid character in the name"},
      {"ip+ip", "key: \"ip\" appears twice"},
      {"header:A+header:a", "key: \"header:a\" appears twice"},
      {"ip+route+consumer+header:a+header:b+header:c+header:d+header:e+header:f",
       "key: at most 8 parts"},
  };
  for (const auto& [text, error] : cases) {
    const KeySpecResult r = parse_key_spec(text);
    EXPECT_FALSE(r.ok()) << text;
    EXPECT_EQ(r.error, error) << text;
  }
}

struct Claims {
  std::string_view sub;
  static std::string_view get(const void* user, std::string_view name) {
    const auto* c = static_cast<const Claims*>(user);
    return name == "sub" ? c->sub : std::string_view{};
  }
};

struct Request {
  std::vector<Header> headers{{"X-User-Id", "u1"}, {"Accept", "*/*"}};
  Claims claims{"alice"};
  KeySource src() const {
    return {.client_ip = "10.0.0.1",
            .route = "users",
            .consumer = "team-a",
            .headers = headers,
            .query = "a=1&token=t0k&b",
            .claim = &Claims::get,
            .claim_user = &claims};
  }
};

std::string key_of(const KeySpec& spec, const KeySource& src) {
  std::array<char, kMaxKeyBytes> buf;
  const BuiltKey k = build_key(spec, src, buf);
  EXPECT_EQ(k.status, KeyStatus::ok);
  return std::string(k.bytes);
}

KeySpec spec(std::string_view text) {
  const KeySpecResult r = parse_key_spec(text);
  EXPECT_TRUE(r.ok()) << r.error;
  return r.spec;
}

TEST(BuildKey, EveryPartChangesTheKey) {
  const KeySpec s = spec("ip+header:x-user-id+query:token+claim:sub+consumer+route");
  Request req;
  std::set<std::string> keys;
  keys.insert(key_of(s, req.src()));
  KeySource src = req.src();
  src.client_ip = "10.0.0.2";
  keys.insert(key_of(s, src));
  src = req.src();
  src.route = "orders";
  keys.insert(key_of(s, src));
  src = req.src();
  src.consumer = "team-b";
  keys.insert(key_of(s, src));
  src = req.src();
  src.query = "token=t0K";
  keys.insert(key_of(s, src));
  Request other;
  other.headers[0].value = "u2";
  keys.insert(key_of(s, other.src()));
  Request other_claim;
  other_claim.claims.sub = "bob";
  keys.insert(key_of(s, other_claim.src()));
  EXPECT_EQ(keys.size(), 7u);
  // The same values give the same key.
  EXPECT_EQ(key_of(s, req.src()), key_of(s, Request{}.src()));
}

TEST(BuildKey, PartBoundariesCannotBeShifted) {
  const KeySpec s = spec("header:a+header:b");
  std::vector<Header> h1{{"a", "x+"}, {"b", "y"}};
  std::vector<Header> h2{{"a", "x"}, {"b", "+y"}};
  EXPECT_NE(key_of(s, {.headers = h1}), key_of(s, {.headers = h2}));
}

TEST(BuildKey, HeaderNamesMatchInAnyCase) {
  const KeySpec s = spec("header:X-User-Id");
  std::vector<Header> h{{"x-USER-id", "u1"}};
  std::array<char, kMaxKeyBytes> buf;
  EXPECT_EQ(build_key(s, {.headers = h}, buf).status, KeyStatus::ok);
}

TEST(BuildKey, MissingOrEmptyPartIsReported) {
  const KeySpec s = spec("ip+header:x-user-id+claim:sub");
  std::array<char, kMaxKeyBytes> buf;
  Request req;
  EXPECT_EQ(build_key(s, req.src(), buf).status, KeyStatus::ok);
  Request no_header;
  no_header.headers.erase(no_header.headers.begin());
  BuiltKey k = build_key(s, no_header.src(), buf);
  EXPECT_EQ(k.status, KeyStatus::missing_part);
  EXPECT_EQ(k.missing, 1);
  Request empty_header;
  empty_header.headers[0].value = "";
  EXPECT_EQ(build_key(s, empty_header.src(), buf).status, KeyStatus::missing_part);
  KeySource no_token = req.src();
  no_token.claim = nullptr;
  k = build_key(s, no_token, buf);
  EXPECT_EQ(k.status, KeyStatus::missing_part);
  EXPECT_EQ(k.missing, 2);
  KeySource no_ip = req.src();
  no_ip.client_ip = {};
  EXPECT_EQ(build_key(s, no_ip, buf).missing, 0);
}

TEST(BuildKey, LongValuesAreDigestedAndStayDistinct) {
  const KeySpec s = spec("header:a+header:b+header:c+header:d+header:e+header:f+header:g+header:h");
  const std::string big(60'000, 'x');
  std::string big2 = big;
  big2.back() = 'y';
  std::vector<Header> h;
  for (char c = 'a'; c <= 'h'; ++c) h.push_back({std::string_view(&"abcdefgh"[c - 'a'], 1), big});
  const std::string k1 = key_of(s, {.headers = h});
  EXPECT_LE(k1.size(), kMaxKeyBytes);
  h[7].value = big2;
  EXPECT_NE(key_of(s, {.headers = h}), k1);
  // A value just at the bound is kept as is, one byte more is digested.
  const std::string at(kMaxPartValue, 'v');
  const std::string over(kMaxPartValue + 1, 'v');
  const KeySpec one = spec("header:a");
  std::vector<Header> ha{{"a", at}};
  std::vector<Header> hb{{"a", over}};
  EXPECT_EQ(key_of(one, {.headers = ha}).size(), 3 + kMaxPartValue);
  EXPECT_EQ(key_of(one, {.headers = hb}).size(), 3 + 16u);
}

TEST(BuildKey, SmallBufferIsReported) {
  const KeySpec s = spec("ip");
  std::array<char, 8> buf;
  EXPECT_EQ(build_key(s, {.client_ip = "10.0.0.1"}, buf).status, KeyStatus::no_room);
  EXPECT_EQ(build_key(s, {.client_ip = "1.2.3"}, buf).status, KeyStatus::ok);  // 3 + 5 bytes
}

TEST(QueryParam, FindsTheFirstExactName) {
  EXPECT_EQ(query_param("a=1&b=2", "b"), "2");
  EXPECT_EQ(query_param("a=1&a=2", "a"), "1");
  EXPECT_EQ(query_param("ab=1&a=2", "a"), "2");
  EXPECT_EQ(query_param("a", "a"), "");
  EXPECT_EQ(query_param("", "a"), "");
  EXPECT_EQ(query_param("a=%41", "a"), "%41");  // as sent
  EXPECT_EQ(query_param("&&a=3", "a"), "3");
}

}  // namespace
}  // namespace weir::ratelimit

// base64url (RFC 4648 section 5, RFC 7515 section 2) and the strict JSON
// reader under the token parts.
#include <gtest/gtest.h>

#include <string>

#include "middleware/builtin/jwt/base64url.hpp"
#include "middleware/builtin/jwt/strict_json.hpp"

using namespace weir::jwt;

TEST(Base64url, EncodesTheRfc4648Vectors) {
  // RFC 4648 section 10, without the padding.
  EXPECT_EQ(base64url_encode(""), "");
  EXPECT_EQ(base64url_encode("f"), "Zg");
  EXPECT_EQ(base64url_encode("fo"), "Zm8");
  EXPECT_EQ(base64url_encode("foo"), "Zm9v");
  EXPECT_EQ(base64url_encode("foob"), "Zm9vYg");
  EXPECT_EQ(base64url_encode("fooba"), "Zm9vYmE");
  EXPECT_EQ(base64url_encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(base64url_encode("\xfb\xff"), "-_8");
}

TEST(Base64url, RoundTripsEveryLengthAndByte) {
  std::string bytes;
  std::string decoded;
  for (int len = 0; len < 300; ++len) {
    bytes.push_back(static_cast<char>((len * 37 + 11) & 0xff));
    std::string text = base64url_encode(bytes);
    ASSERT_EQ(text.size(), (bytes.size() * 4 + 2) / 3);
    ASSERT_TRUE(base64url_decode(text, decoded)) << text;
    ASSERT_EQ(decoded, bytes);
    ASSERT_EQ(base64url_decoded_size(text.size()), bytes.size());
  }
}

TEST(Base64url, RefusesWhatIsNotCanonicalBase64url) {
  std::string out;
  EXPECT_TRUE(base64url_decode("", out));
  EXPECT_FALSE(base64url_decode("Zg==", out));   // padding
  EXPECT_FALSE(base64url_decode("Zh", out));     // non-zero pad bits
  EXPECT_FALSE(base64url_decode("Zm9", out));    // non-zero pad bits
  EXPECT_FALSE(base64url_decode("Z", out));      // 4n+1 symbols
  EXPECT_FALSE(base64url_decode("Zm9vY", out));  // 4n+1 symbols
  EXPECT_FALSE(base64url_decode("+/8", out));    // base64, not base64url
  EXPECT_FALSE(base64url_decode("Zm 9v", out));  // white space
  EXPECT_FALSE(base64url_decode(std::string("Zm\0v", 4), out));
  EXPECT_TRUE(base64url_decode("-_8", out));
  EXPECT_EQ(out, "\xfb\xff");
}

TEST(StrictJson, ReadsObjectsAndAllowsSurroundingSpace) {
  picojson::value v;
  ASSERT_TRUE(parse_strict_json(" {\"a\":[1,2,{\"b\":true}],\"c\":null}\r\n", v));
  ASSERT_TRUE(v.is<picojson::object>());
  EXPECT_EQ(v.get("a").get<picojson::array>().size(), 3u);
}

TEST(StrictJson, RefusesRepeatedNamesAtAnyDepth) {
  picojson::value v;
  EXPECT_FALSE(parse_strict_json("{\"alg\":\"RS256\",\"alg\":\"HS256\"}", v));
  EXPECT_FALSE(parse_strict_json("{\"a\":{\"x\":1,\"x\":1}}", v));
  EXPECT_FALSE(parse_strict_json("[{\"x\":1,\"x\":2}]", v));
  EXPECT_TRUE(parse_strict_json("{\"a\":{\"x\":1},\"b\":{\"x\":1}}", v));
}

TEST(StrictJson, BoundsNestingOfObjectsAndArrays) {
  picojson::value v;
  auto nested = [](size_t depth, const char* open, const char* close) {
    std::string s;
    for (size_t i = 0; i < depth; ++i) s += open;
    s += "1";
    for (size_t i = 0; i < depth; ++i) s += close;
    return s;
  };
  EXPECT_TRUE(parse_strict_json(nested(kMaxJsonDepth, "[", "]"), v));
  EXPECT_FALSE(parse_strict_json(nested(kMaxJsonDepth + 1, "[", "]"), v));
  EXPECT_TRUE(parse_strict_json(nested(kMaxJsonDepth, "{\"a\":", "}"), v));
  EXPECT_FALSE(parse_strict_json(nested(kMaxJsonDepth + 1, "{\"a\":", "}"), v));
  // Far deeper than any stack would survive without the bound.
  EXPECT_FALSE(parse_strict_json(nested(100000, "{\"a\":", "}"), v));
}

TEST(StrictJson, RefusesTrailingBytesAndNumbersOutOfRange) {
  picojson::value v;
  EXPECT_FALSE(parse_strict_json("{} {}", v));
  EXPECT_FALSE(parse_strict_json("{}x", v));
  EXPECT_FALSE(parse_strict_json("{\"exp\":1e999}", v));
  EXPECT_FALSE(parse_strict_json("", v));
  EXPECT_FALSE(parse_strict_json("{\"a\":", v));
  EXPECT_TRUE(parse_strict_json("{\"exp\":1e300}", v));
}

// Unit tests of the HTTP pieces the proxy is built from.
#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "core/buffer_pool.hpp"
#include "core/head_buffer.hpp"
#include "http/head_fields.hpp"
#include "http/header_kind.hpp"
#include "http/local_response.hpp"

using namespace weir;
using namespace weir::http;

TEST(HeaderKind, ClassifiesCaseInsensitively) {
  EXPECT_EQ(classify_header("Content-Length"), HeaderKind::content_length);
  EXPECT_EQ(classify_header("TRANSFER-ENCODING"), HeaderKind::transfer_encoding);
  EXPECT_EQ(classify_header("host"), HeaderKind::host);
  EXPECT_EQ(classify_header("User-Agent"), HeaderKind::user_agent);
  EXPECT_EQ(classify_header("Proxy-Connection"), HeaderKind::proxy_connection);
  EXPECT_EQ(classify_header("X-Forwarded-For"), HeaderKind::x_forwarded_for);
  EXPECT_EQ(classify_header("x-forwarded-fox"), HeaderKind::other);
  EXPECT_EQ(classify_header(""), HeaderKind::other);
  EXPECT_TRUE(is_hop_or_framing(HeaderKind::te));
  EXPECT_FALSE(is_hop_or_framing(HeaderKind::host));
}

TEST(HeaderKind, FindsTokensInLists) {
  EXPECT_TRUE(has_token("keep-alive, Upgrade", "upgrade"));
  EXPECT_TRUE(has_token(" close ", "close"));
  EXPECT_FALSE(has_token("closed", "close"));
  EXPECT_FALSE(has_token("", "close"));
  EXPECT_TRUE(has_token("a,,b", "b"));
}

TEST(HeadFields, JoinsContiguousPiecesAndRefusesFolds) {
  core::BufferPool pool(HeadFields::kBlockSize);
  HeadFields f;
  ASSERT_TRUE(f.begin(pool));
  const char buf[] = "Host: a\r\nX-Long: abcdef\r\n";
  // "Host" in two pieces, value in one.
  EXPECT_EQ(f.on_name(0, 2, 10), HeadFields::NameResult::ok);
  EXPECT_EQ(f.on_name(2, 2, 10), HeadFields::NameResult::ok);
  EXPECT_TRUE(f.on_value(6, 1));
  f.on_value_complete(buf);
  EXPECT_EQ(f.on_name(9, 6, 10), HeadFields::NameResult::ok);
  EXPECT_TRUE(f.on_value(17, 3));
  EXPECT_TRUE(f.on_value(20, 3));
  EXPECT_FALSE(f.on_value(25, 1));  // a gap: a folded continuation
  f.on_value_complete(buf);
  f.finish(buf);
  ASSERT_EQ(f.size(), 2u);
  EXPECT_EQ(f.at(0).name, "Host");
  EXPECT_EQ(f.at(0).value, "a");
  EXPECT_EQ(f.kind(0), HeaderKind::host);
  EXPECT_EQ(f.at(1).value, "abcdef");
  f.release(pool);
}

TEST(HeadFields, CountsAgainstTheLimit) {
  core::BufferPool pool(HeadFields::kBlockSize);
  HeadFields f;
  ASSERT_TRUE(f.begin(pool));
  const char buf[] = "a: 1\r\nb: 2\r\n";
  EXPECT_EQ(f.on_name(0, 1, 1), HeadFields::NameResult::ok);
  f.on_value_complete(buf);
  EXPECT_EQ(f.on_name(6, 1, 1), HeadFields::NameResult::too_many);
  f.release(pool);
}

TEST(HeadFields, ShiftMovesOffsets) {
  core::BufferPool pool(HeadFields::kBlockSize);
  HeadFields f;
  ASSERT_TRUE(f.begin(pool));
  char buf[] = "xxxxa: b\r\n";
  EXPECT_EQ(f.on_name(4, 1, 4), HeadFields::NameResult::ok);
  EXPECT_TRUE(f.on_value(7, 1));
  f.on_value_complete(buf);
  std::memmove(buf, buf + 4, sizeof buf - 4);
  f.shift(4);
  f.finish(buf);
  EXPECT_EQ(f.at(0).name, "a");
  EXPECT_EQ(f.at(0).value, "b");
  f.release(pool);
}

TEST(LocalResponse, ErrorBodyIsEscapedJson) {
  std::string out;
  append_error_response(out, 502, "bad \"thing\"\n", "abc", true, false);
  EXPECT_EQ(out.rfind("HTTP/1.1 502 Bad Gateway\r\n", 0), 0u);
  EXPECT_NE(out.find("connection: close\r\n"), std::string::npos);
  EXPECT_NE(out.find("{\"error\":\"bad \\\"thing\\\"\\n\",\"request_id\":\"abc\"}"),
            std::string::npos);
  std::string head;
  append_error_response(head, 404, "no route", "id", false, true);
  EXPECT_EQ(head.find("{"), std::string::npos);  // HEAD: no body
  EXPECT_NE(head.find("content-length: "), std::string::npos);
}

TEST(LocalResponse, HandlerHeadersCannotSplitOrReframe) {
  Response res;
  res.status = 201;
  res.headers = {{"x-ok", "1"},
                 {"x-bad", "a\r\nInjected: 1"},
                 {"content-length", "999"},
                 {"bad name", "v"},
                 {"Transfer-Encoding", "chunked"}};
  res.body = "hello";
  std::string out;
  append_response(out, res, false, false);
  EXPECT_NE(out.find("x-ok: 1\r\n"), std::string::npos);
  EXPECT_EQ(out.find("Injected"), std::string::npos);
  EXPECT_EQ(out.find("999"), std::string::npos);
  EXPECT_EQ(out.find("bad name"), std::string::npos);
  EXPECT_EQ(out.find("chunked"), std::string::npos);
  EXPECT_NE(out.find("content-length: 5\r\n\r\nhello"), std::string::npos);
  Response none;
  none.status = 204;
  none.body = "ignored";
  std::string o2;
  append_response(o2, none, false, false);
  EXPECT_EQ(o2.find("ignored"), std::string::npos);
  EXPECT_EQ(o2.find("content-length"), std::string::npos);
}

TEST(HeadBuffer, GrowsAndCopiesFromItself) {
  core::BufferPool pool(64);
  core::HeadBuffer b(pool);
  b.append("/path");
  for (int i = 0; i < 100; ++i) b.append_self(0, 5);
  EXPECT_FALSE(b.failed());
  EXPECT_EQ(b.size(), 505u);
  EXPECT_EQ(b.view().substr(500), "/path");
  b.clear();
  b.append_uint(12345);
  b.append(' ');
  b.append_hex(255);
  EXPECT_EQ(b.view(), "12345 ff");
}

TEST(JsonEscape, PlainRunsAndEveryEscapeClass) {
  std::string out = "x";
  weir::http::append_json_escaped(out, "");
  EXPECT_EQ(out, "x");
  out.clear();
  weir::http::append_json_escaped(out, std::string_view("a\"b\\c\nd\re\tf\x01g\x1f" "\xc3\xa9h", 17));
  EXPECT_EQ(out, "a\\\"b\\\\c\\nd\\re\\tf\\u0001g\\u001f\xc3\xa9h");
  out.clear();
  weir::http::append_json_escaped(out, std::string_view("\0\"", 2));
  EXPECT_EQ(out, "\\u0000\\\"");
}

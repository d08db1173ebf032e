// Robustness: random mutations of a valid document never crash the parser,
// and every result is either a valid config or a non-empty error.
#include <gtest/gtest.h>

#include <chrono>
#include <random>
#include <string>

#include "weir/config.hpp"

namespace {

constexpr const char* kSeedDocument = R"({
  "workers": 2,
  "listeners": [ { "name": "public", "address": "0.0.0.0", "port": 8080 } ],
  "limits": { "max_header_bytes": 65536, "max_url_bytes": 8192, "max_body_bytes": 1048576,
              "header_timeout_ms": 10000, "idle_timeout_ms": 60000 },
  "admin": { "address": "127.0.0.1", "port": 9901, "token": "t" },
  "via": false,
  "upstreams": {
    "users": { "endpoints": [ { "address": "127.0.0.1:9001", "weight": 1 },
                              { "address": "[::1]:9002", "weight": 2 } ],
               "lb": "round_robin", "connect_timeout_ms": 1000, "max_idle": 8 }
  },
  "routes": [
    { "name": "users",
      "match": { "host": "api.example.com", "path": "/api/v1/users/:id", "methods": ["GET"],
                 "headers": { "x-canary": "1" } },
      "upstream": "users", "timeout_ms": 5000, "rewrite": { "strip_prefix": "/api" } }
  ]
})";

// Bytes that JSON gives meaning to, plus a few that it does not.
constexpr char kAlphabet[] = "{}[]:,\"\\ \n0123456789-+.eEtrufalsn/aZ\x01\x7f\xff";

std::string mutate(std::string doc, std::mt19937& rng) {
  auto pick = [&rng](size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng); };
  int edits = 1 + static_cast<int>(pick(4));
  for (int e = 0; e < edits; ++e) {
    if (doc.empty()) doc = "{";
    size_t at = pick(doc.size());
    switch (pick(6)) {
      case 0:  // replace a byte
        doc[at] = kAlphabet[pick(sizeof kAlphabet - 1)];
        break;
      case 1:  // insert a byte
        doc.insert(doc.begin() + static_cast<std::ptrdiff_t>(at), kAlphabet[pick(sizeof kAlphabet - 1)]);
        break;
      case 2:  // delete a short range
        doc.erase(at, 1 + pick(8));
        break;
      case 3:  // duplicate a range somewhere else
        doc.insert(pick(doc.size()), doc.substr(at, 1 + pick(40)));
        break;
      case 4:  // truncate
        doc.resize(at);
        break;
      default: {  // change a digit run into a large or negative number
        static const char* kNumbers[] = {"-1", "1.5", "4294967296", "0", "65536", "1e999", "1e-9"};
        size_t digit = doc.find_first_of("0123456789", at);
        if (digit != std::string::npos) doc.replace(digit, 1, kNumbers[pick(7)]);
        break;
      }
    }
  }
  return doc;
}

TEST(ConfigMutation, SeedDocumentIsValid) {
  weir::ConfigResult r = weir::parse_config(kSeedDocument);
  ASSERT_TRUE(r) << r.error;
}

TEST(ConfigMutation, MutatedDocumentsGiveAConfigOrAnError) {
  constexpr int kIterations = 2000;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  std::mt19937 rng(20240611);
  int valid = 0;
  int invalid = 0;
  for (int i = 0; i < kIterations && std::chrono::steady_clock::now() < deadline; ++i) {
    std::string doc = mutate(kSeedDocument, rng);
    weir::ConfigResult r = weir::parse_config(doc);
    if (r) {
      ASSERT_TRUE(r.error.empty()) << doc;
      // What parse_config accepts, validate_config accepts too.
      ASSERT_EQ(weir::validate_config(*r.config), "") << doc;
      ++valid;
    } else {
      ASSERT_FALSE(r.error.empty()) << doc;
      ASSERT_EQ(r.error.find('\n'), std::string::npos) << r.error;
      ++invalid;
    }
  }
  EXPECT_EQ(valid + invalid, kIterations) << "ran out of time";
  // Both outcomes occur, so the mutations neither all break nor all spare the document.
  EXPECT_GT(valid, 0);
  EXPECT_GT(invalid, kIterations / 2);
}

}  // namespace

// basic_auth: HTTP Basic authentication (RFC 7617) against a list of users,
// each stored as a salt and the SHA-256 (hex) of salt + password, so the
// config holds no passwords. The user name is then the "consumer" value.
// Every user is checked on every request, with constant-time comparisons.
#include <mbedtls/base64.h>

#include <memory>
#include <string>
#include <vector>

#include "config/key_path.hpp"
#include "config/object_reader.hpp"
#include "middleware/builtin/builtins.hpp"
#include "middleware/options.hpp"
#include "middleware/secret.hpp"

namespace weir::mw {

namespace {

constexpr size_t kMaxCredentials = 1024;  // base64 text of user:password

struct User {
  Digest name;  // SHA-256 of the user name, for a constant-time comparison
  std::string user;
  std::string salt;
  Digest hash;
};

struct Spec {
  std::vector<User> users;
  std::string challenge;
};

}  // namespace

MiddlewareResult make_basic_auth(std::string_view json) {
  Options o(json, {"type", "name", "users", "realm"});
  config::ObjectReader& r = o.reader();
  auto spec = std::make_shared<Spec>();
  std::string realm = "weir";
  r.read("realm", realm);
  for (char c : realm)
    if (c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20) {
      r.fail("realm", "must not hold quotes, backslashes or control characters");
      break;
    }
  spec->challenge = "Basic realm=\"" + realm + "\", charset=\"UTF-8\"";
  require(r, "users");
  if (const picojson::array* a = config::read_array(r, "users")) {
    std::string base = r.path_of("users");
    if (a->empty()) r.fail("users", "needs at least one user");
    for (size_t i = 0; i < a->size() && r.ok(); ++i) {
      config::ObjectReader u((*a)[i], config::index_path(base, i), {"user", "salt", "sha256"});
      User user;
      std::string hex;
      require(u, "user");
      require(u, "salt");
      require(u, "sha256");
      u.read("user", user.user);
      u.read("salt", user.salt);
      u.read("sha256", hex);
      if (u.ok() && (user.user.empty() || user.user.find(':') != std::string::npos))
        u.fail("user", "must be non-empty, without ':' (RFC 7617 section 2)");
      if (u.ok() && !parse_hex_digest(hex, &user.hash))
        u.fail("sha256", "expected 64 hex digits: SHA-256 of salt + password");
      user.name = sha256(user.user);
      r.adopt(u.error());
      spec->users.push_back(std::move(user));
    }
  }
  if (!o.ok()) return failure(o.error());

  MiddlewareResult res;
  res.middleware.on_request = [spec](Context& ctx) {
    auto refuse = [&](std::string_view why) {
      ctx.respond_error(401, why, {{"www-authenticate", spec->challenge}});
    };
    std::string_view auth = ctx.request().header("authorization");
    // The scheme is case-insensitive (RFC 9110 11.1).
    if (auth.size() < 7 || !iequals(auth.substr(0, 6), "basic ")) return refuse("missing credentials");
    std::string_view b64 = auth.substr(6);
    while (!b64.empty() && b64.front() == ' ') b64.remove_prefix(1);
    if (b64.empty() || b64.size() > kMaxCredentials) return refuse("invalid credentials");
    unsigned char buf[kMaxCredentials];
    size_t n = 0;
    if (mbedtls_base64_decode(buf, sizeof buf, &n, reinterpret_cast<const unsigned char*>(b64.data()),
                              b64.size()) != 0)
      return refuse("invalid credentials");
    std::string_view pair(reinterpret_cast<const char*>(buf), n);
    size_t colon = pair.find(':');
    if (colon == std::string_view::npos) return refuse("invalid credentials");
    Digest name = sha256(pair.substr(0, colon));
    std::string_view password = pair.substr(colon + 1);
    const User* found = nullptr;
    for (const User& u : spec->users) {
      bool match = digest_equal(u.name, name) & digest_equal(u.hash, sha256(u.salt, password));
      if (match && !found) found = &u;
    }
    if (!found) return refuse("invalid credentials");
    ctx.set_value("consumer", found->user);
  };
  return res;
}

}  // namespace weir::mw

// body_limit: a per-route bound on request bodies, stricter than
// limits.max_body_bytes. It reads Content-Length when the head arrives, so a
// body that is too large is refused before any of it goes upstream; chunked
// bodies (no length in advance) are bounded by limits.max_body_bytes only.
#include <charconv>
#include <cstdint>

#include "middleware/builtin/builtins.hpp"
#include "middleware/options.hpp"

namespace weir::mw {

MiddlewareResult make_body_limit(std::string_view json) {
  Options o(json, {"type", "name", "max_body_bytes"});
  require(o.reader(), "max_body_bytes");
  uint64_t max = 0;
  o.reader().read("max_body_bytes", max);
  if (!o.ok()) return failure(o.error());

  MiddlewareResult r;
  r.middleware.on_request = [max](Context& ctx) {
    std::string_view cl = ctx.request().header("content-length");
    if (cl.empty()) return;
    uint64_t n = 0;
    auto res = std::from_chars(cl.data(), cl.data() + cl.size(), n);
    // The codec already refused malformed lengths; an overflowing one is too large.
    if (res.ec == std::errc::result_out_of_range || (res.ec == std::errc() && n > max))
      ctx.respond_error(413, "request body too large");
  };
  return r;
}

}  // namespace weir::mw

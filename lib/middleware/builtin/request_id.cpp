// request_id: one id per exchange, known to the client, the upstream, the
// gateway's error bodies and the access log. A valid incoming id is kept so
// that a caller's id follows the request through several gateways.
#include <string>

#include "config/object_reader.hpp"
#include "middleware/builtin/builtins.hpp"
#include "middleware/options.hpp"

namespace weir::mw {

MiddlewareResult make_request_id(std::string_view json) {
  Options o(json, {"type", "name", "header"});
  std::string header = "x-request-id";
  o.reader().read("header", header);
  header = config::ascii_lowered(std::move(header));
  if (o.ok() && !valid_field_name(header)) o.reader().fail("header", "expected a header name");
  if (!o.ok()) return failure(o.error());

  MiddlewareResult r;
  r.middleware.on_request = [header](Context& ctx) {
    // Context::set_request_id refuses what is not [A-Za-z0-9._-]{1,128}; the
    // gateway's own id stays then.
    ctx.set_request_id(ctx.request().header(header));
    std::string id(ctx.request_id());
    ctx.set_request_header(header, id);
    ctx.set_response_header(header, std::move(id));
  };
  return r;
}

}  // namespace weir::mw

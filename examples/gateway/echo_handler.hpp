// The demo's echo upstream: answers with what it received, as JSON.
#pragma once

#include "weir/weir.hpp"

namespace demo {

void echo(const weir::Request& req, weir::Response& res);

}  // namespace demo

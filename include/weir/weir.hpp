// Everything in weir's public C++ API.
#pragma once

#include "weir/config.hpp"
#include "weir/gateway.hpp"
#include "weir/http.hpp"
#include "weir/log.hpp"
#include "weir/metrics.hpp"
#include "weir/middleware.hpp"
#include "weir/router.hpp"
#include "weir/upstream.hpp"
#include "weir/upstream_state.hpp"

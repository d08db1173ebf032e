// The C ABI over the C++ gateway. No exception crosses this file's functions:
// each entry point catches and answers with a status.
#include "weir.h"

#include <new>
#include <string>
#include <vector>

#include "gateway_handle.hpp"
#include "weir/config.hpp"

namespace {
weir_status create_from(weir::ConfigResult parsed, weir_gateway_t** out) {
  auto* h = new (std::nothrow) weir_gateway;
  *out = h;
  if (!h) return WEIR_ENOMEM;
  if (!parsed) return set_error(h, WEIR_ECONFIG, parsed.error);
  weir::Status st;
  h->gw = weir::Gateway::from_config(*parsed.config, &st);
  if (!h->gw) return set_error(h, to_status(st), st.message);
  return WEIR_OK;
}
}  // namespace

extern "C" {

weir_status weir_gateway_create(const char* config_json, size_t len, weir_gateway_t** out) {
  if (!out) return WEIR_EINVAL;
  *out = nullptr;
  try {
    if (!config_json) {
      auto* h = new (std::nothrow) weir_gateway;
      *out = h;
      return h ? set_error(h, WEIR_EINVAL, "config_json is NULL") : WEIR_ENOMEM;
    }
    return create_from(weir::parse_config(std::string_view(config_json, len)), out);
  } catch (const std::bad_alloc&) {
    return WEIR_ENOMEM;
  } catch (...) {
    return WEIR_EINTERNAL;
  }
}

weir_status weir_gateway_create_from_file(const char* path, weir_gateway_t** out) {
  if (!out) return WEIR_EINVAL;
  *out = nullptr;
  try {
    if (!path) {
      auto* h = new (std::nothrow) weir_gateway;
      *out = h;
      return h ? set_error(h, WEIR_EINVAL, "path is NULL") : WEIR_ENOMEM;
    }
    return create_from(weir::load_config_file(path), out);
  } catch (const std::bad_alloc&) {
    return WEIR_ENOMEM;
  } catch (...) {
    return WEIR_EINTERNAL;
  }
}

weir_status weir_gateway_start(weir_gateway_t* h) {
  if (!h) return WEIR_EINVAL;
  if (!h->gw) return set_error(h, WEIR_ESTATE, "the gateway was not created");
  try {
    weir::Status st = h->gw->start();
    return st ? set_error(h, WEIR_OK, "") : set_error(h, to_status(st), st.message);
  } catch (...) {
    return set_error(h, WEIR_EINTERNAL, "internal error");
  }
}

weir_status weir_gateway_attach(weir_gateway_t* h, struct uv_loop_s* loop) {
  if (!h) return WEIR_EINVAL;
  if (!loop) return set_error(h, WEIR_EINVAL, "loop is NULL");
  if (!h->gw) return set_error(h, WEIR_ESTATE, "the gateway was not created");
  try {
    weir::Status st = h->gw->attach(loop);
    return st ? set_error(h, WEIR_OK, "") : set_error(h, to_status(st), st.message);
  } catch (...) {
    return set_error(h, WEIR_EINTERNAL, "internal error");
  }
}

weir_status weir_gateway_reload(weir_gateway_t* h, const char* config_json, size_t len) {
  if (!h) return WEIR_EINVAL;
  if (!config_json) return set_error(h, WEIR_EINVAL, "config_json is NULL");
  if (!h->gw) return set_error(h, WEIR_ESTATE, "the gateway was not created");
  try {
    weir::ConfigResult parsed = weir::parse_config(std::string_view(config_json, len));
    if (!parsed) return set_error(h, WEIR_ECONFIG, parsed.error);
    weir::Status st = h->gw->reload(*parsed.config);
    return st ? set_error(h, WEIR_OK, "") : set_error(h, to_status(st), st.message);
  } catch (...) {
    return set_error(h, WEIR_EINTERNAL, "internal error");
  }
}

weir_status weir_gateway_stop(weir_gateway_t* h, uint32_t drain_ms) {
  if (!h) return WEIR_EINVAL;
  if (!h->gw) return set_error(h, WEIR_ESTATE, "the gateway was not created");
  try {
    weir::Status st = h->gw->stop(drain_ms);
    return st ? WEIR_OK : set_error(h, to_status(st), st.message);
  } catch (...) {
    return set_error(h, WEIR_EINTERNAL, "internal error");
  }
}

void weir_gateway_destroy(weir_gateway_t* h) {
  if (!h) return;
  try {
    delete h;
  } catch (...) {
  }
}

weir_status weir_gateway_set_endpoints(weir_gateway_t* h, const char* upstream,
                                       const weir_endpoint* endpoints, size_t count) {
  if (!h) return WEIR_EINVAL;
  if (!upstream || (!endpoints && count)) return set_error(h, WEIR_EINVAL, "upstream or endpoints is NULL");
  if (!h->gw) return set_error(h, WEIR_ESTATE, "the gateway was not created");
  try {
    std::vector<weir::Endpoint> eps;
    eps.reserve(count);
    for (size_t i = 0; i < count; ++i) {
      if (!endpoints[i].address)
        return set_error(h, WEIR_EINVAL, "endpoints[" + std::to_string(i) + "].address is NULL");
      eps.push_back({endpoints[i].address, endpoints[i].weight});
    }
    weir::Status st = h->gw->set_endpoints(upstream, std::move(eps));
    return st ? set_error(h, WEIR_OK, "") : set_error(h, to_status(st), st.message);
  } catch (const std::bad_alloc&) {
    return set_error(h, WEIR_ENOMEM, "out of memory");
  } catch (...) {
    return set_error(h, WEIR_EINTERNAL, "internal error");
  }
}

weir_status weir_gateway_listener_port(const weir_gateway_t* h, size_t index, uint16_t* port) {
  if (!h || !port) return WEIR_EINVAL;
  if (!h->gw || !h->gw->running()) return WEIR_ESTATE;
  try {
    std::vector<uint16_t> ports = h->gw->ports();
    if (index >= ports.size()) return WEIR_EINVAL;
    *port = ports[index];
    return WEIR_OK;
  } catch (...) {
    return WEIR_EINTERNAL;
  }
}

const char* weir_gateway_last_error(const weir_gateway_t* h) {
  if (!h) return "gateway handle is NULL";
  return h->error.c_str();
}

const char* weir_status_str(weir_status st) {
  switch (st) {
#define WEIR_STATUS_TEXT(name, value, text) \
  case WEIR_##name:                         \
    return text;
    WEIR_STATUS_MAP(WEIR_STATUS_TEXT)
#undef WEIR_STATUS_TEXT
  }
  return "unknown status";
}

const char* weir_version(void) {
#define WEIR_STR2(x) #x
#define WEIR_STR(x) WEIR_STR2(x)
  return WEIR_STR(WEIR_VERSION_MAJOR) "." WEIR_STR(WEIR_VERSION_MINOR) "." WEIR_STR(
      WEIR_VERSION_PATCH);
}

}  // extern "C"

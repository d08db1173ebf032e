// The C ABI's observability calls: metrics, Prometheus text, upstream state,
// the log callback and log reopening. No exception crosses these functions.
#include <cstring>
#include <new>
#include <string>

#include "gateway_handle.hpp"
#include "observe/log.hpp"
#include "weir.h"
#include "weir/log.hpp"

namespace {

weir_status check_gateway(weir_gateway_t* h) {
  if (!h) return WEIR_EINVAL;
  if (!h->gw) return set_error(h, WEIR_ESTATE, "the gateway was not created");
  return WEIR_OK;
}

uint64_t total(const weir::MetricsSnapshot& m, std::string_view name, std::string_view label = {},
               std::string_view value = {}) {
  return static_cast<uint64_t>(m.sum(name, label, value));
}

// Copies the fields of `full` that fit into the caller's `size` bytes,
// keeping the caller's struct_size (the first field).
template <typename T>
void copy_sized(T* out, const T& full, size_t size) {
  size_t n = size < sizeof(T) ? size : sizeof(T);
  auto* dst = reinterpret_cast<unsigned char*>(out);
  const auto* src = reinterpret_cast<const unsigned char*>(&full);
  std::memcpy(dst + sizeof(size_t), src + sizeof(size_t), n - sizeof(size_t));
}

}  // namespace

extern "C" {

weir_status weir_gateway_metrics(weir_gateway_t* h, weir_metrics* out) {
  if (weir_status st = check_gateway(h); st != WEIR_OK) return st;
  if (!out) return set_error(h, WEIR_EINVAL, "out is NULL");
  if (out->struct_size < offsetof(weir_metrics, requests) + sizeof(uint64_t))
    return set_error(h, WEIR_EINVAL, "out->struct_size is too small (set it to sizeof(weir_metrics))");
  try {
    weir::MetricsSnapshot m = h->gw->metrics();
    weir_metrics full{};
    full.requests = total(m, "weir_requests_total");
    full.responses_1xx = total(m, "weir_requests_total", "status_class", "1xx");
    full.responses_2xx = total(m, "weir_requests_total", "status_class", "2xx");
    full.responses_3xx = total(m, "weir_requests_total", "status_class", "3xx");
    full.responses_4xx = total(m, "weir_requests_total", "status_class", "4xx");
    full.responses_5xx = total(m, "weir_requests_total", "status_class", "5xx");
    full.no_response = total(m, "weir_requests_total", "status_class", "none");
    full.gateway_errors = total(m, "weir_gateway_errors_total");
    full.upstream_requests = total(m, "weir_upstream_requests_total");
    full.upstream_errors = total(m, "weir_upstream_errors_total");
    full.retries = total(m, "weir_upstream_retries_total");
    full.connections_open = total(m, "weir_client_connections_open");
    full.connections_accepted = total(m, "weir_client_connections_accepted_total");
    full.bytes_received = total(m, "weir_client_received_bytes_total");
    full.bytes_sent = total(m, "weir_client_sent_bytes_total");
    full.access_log_dropped = total(m, "weir_access_log_dropped_total");
    copy_sized(out, full, out->struct_size);
    return set_error(h, WEIR_OK, "");
  } catch (const std::bad_alloc&) {
    return set_error(h, WEIR_ENOMEM, "out of memory");
  } catch (...) {
    return set_error(h, WEIR_EINTERNAL, "internal error");
  }
}

weir_status weir_gateway_prometheus_text(weir_gateway_t* h, char* buf, size_t cap, size_t* len) {
  if (weir_status st = check_gateway(h); st != WEIR_OK) return st;
  if (!len) return set_error(h, WEIR_EINVAL, "len is NULL");
  if (!buf && cap) return set_error(h, WEIR_EINVAL, "buf is NULL but cap is not 0");
  try {
    std::string text = h->gw->prometheus_text();
    *len = text.size();
    if (!buf || cap < text.size() + 1)
      return set_error(h, WEIR_ETOOSMALL,
                       "the text needs " + std::to_string(text.size() + 1) + " bytes, cap is " +
                           std::to_string(cap));
    std::memcpy(buf, text.data(), text.size());
    buf[text.size()] = '\0';
    return set_error(h, WEIR_OK, "");
  } catch (const std::bad_alloc&) {
    return set_error(h, WEIR_ENOMEM, "out of memory");
  } catch (...) {
    return set_error(h, WEIR_EINTERNAL, "internal error");
  }
}

weir_status weir_gateway_upstream_state(weir_gateway_t* h, const char* upstream,
                                        weir_upstream_state* state, weir_endpoint_state* endpoints,
                                        size_t capacity, size_t endpoint_size) {
  if (weir_status st = check_gateway(h); st != WEIR_OK) return st;
  if (!upstream || !state) return set_error(h, WEIR_EINVAL, "upstream or state is NULL");
  if (!endpoints && capacity) return set_error(h, WEIR_EINVAL, "endpoints is NULL but capacity is not 0");
  if (state->struct_size < offsetof(weir_upstream_state, endpoint_count) + sizeof(size_t))
    return set_error(h, WEIR_EINVAL, "state->struct_size is too small (set it to sizeof(weir_upstream_state))");
  if (capacity && endpoint_size < offsetof(weir_endpoint_state, address) + sizeof(const char*))
    return set_error(h, WEIR_EINVAL, "endpoint_size is too small (pass sizeof(weir_endpoint_state))");
  try {
    weir::UpstreamState us;
    weir::Status st = h->gw->upstream_state(upstream, &us);
    if (!st) return set_error(h, to_status(st), st.message);
    weir_upstream_state full{};
    full.endpoint_count = us.endpoints.size();
    full.has_breaker = us.has_breaker ? 1 : 0;
    full.breaker = us.breaker == weir::BreakerState::open        ? WEIR_BREAKER_OPEN
                   : us.breaker == weir::BreakerState::half_open ? WEIR_BREAKER_HALF_OPEN
                                                                 : WEIR_BREAKER_CLOSED;
    full.connections = us.connections;
    full.pending = us.pending;
    full.requests = us.requests;
    full.retries = us.retries;
    full.max_connections = us.max_connections;
    full.max_pending = us.max_pending;
    full.max_requests = us.max_requests;
    full.max_retries = us.max_retries;
    copy_sized(state, full, state->struct_size);
    size_t n = capacity < us.endpoints.size() ? capacity : us.endpoints.size();
    h->addresses.clear();
    h->addresses.reserve(n);
    for (size_t i = 0; i < n; ++i) {
      const weir::EndpointState& e = us.endpoints[i];
      h->addresses.push_back(e.address);
      weir_endpoint_state es{};
      es.address = h->addresses.back().c_str();
      es.weight = e.weight;
      es.healthy = e.healthy ? 1 : 0;
      es.ejected = e.ejected ? 1 : 0;
      es.active_requests = e.active_requests;
      auto* slot = reinterpret_cast<unsigned char*>(endpoints) + i * endpoint_size;
      std::memcpy(slot, &es, endpoint_size < sizeof es ? endpoint_size : sizeof es);
    }
    if (n < us.endpoints.size())
      return set_error(h, WEIR_ETOOSMALL,
                       "upstream \"" + std::string(upstream) + "\" has " + std::to_string(us.endpoints.size()) +
                           " endpoints, capacity is " + std::to_string(capacity));
    return set_error(h, WEIR_OK, "");
  } catch (const std::bad_alloc&) {
    return set_error(h, WEIR_ENOMEM, "out of memory");
  } catch (...) {
    return set_error(h, WEIR_EINTERNAL, "internal error");
  }
}

weir_status weir_set_log_callback(weir_log_fn fn, void* user, weir_log_level min_level) {
  if (min_level < WEIR_LOG_DEBUG || min_level > WEIR_LOG_ERROR) return WEIR_EINVAL;
  if (weir::observe::in_log_handler()) return WEIR_ESTATE;
  try {
    weir::LogHandler handler;
    if (fn)
      handler = [fn, user](weir::LogLevel level, std::string_view line) {
        std::string text(line);  // NUL-terminated for C
        fn(user, static_cast<weir_log_level>(level), text.c_str(), text.size());
      };
    weir::set_log_handler(std::move(handler));
    weir::set_log_level(static_cast<weir::LogLevel>(min_level));
    return WEIR_OK;
  } catch (const std::bad_alloc&) {
    return WEIR_ENOMEM;
  } catch (...) {
    return WEIR_EINTERNAL;
  }
}

weir_status weir_reopen_logs(void) {
  weir::reopen_logs();
  return WEIR_OK;
}

}  // extern "C"

// metrics_endpoint: a gateway that serves its own observability.
//
//   metrics_endpoint --upstream 127.0.0.1:9001 [--port 8080]
//
// /api/... is proxied to the remote service (prefix removed); /metrics
// answers the gateway's metrics in the Prometheus text format, for a scraper;
// /upstreams/:name answers one upstream's endpoints and breaker as JSON.
// Both are in-process handlers, so they run on the gateway's own workers.
// SIGTERM or SIGINT drains and exits.
#include <signal.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "weir/weir.hpp"

namespace {

const char* breaker_name(weir::BreakerState s) {
  switch (s) {
    case weir::BreakerState::open: return "open";
    case weir::BreakerState::half_open: return "half_open";
    default: return "closed";
  }
}

// Upstream names and addresses come from the configuration in code here, so
// they need no JSON escaping.
std::string state_json(const weir::UpstreamState& st) {
  std::string out = "{\"name\":\"" + st.name + "\",\"breaker\":\"" + breaker_name(st.breaker) +
                    "\",\"endpoints\":[";
  for (size_t i = 0; i < st.endpoints.size(); ++i) {
    const weir::EndpointState& e = st.endpoints[i];
    if (i) out += ',';
    out += "{\"address\":\"" + e.address + "\",\"weight\":" + std::to_string(e.weight) +
           ",\"healthy\":" + (e.healthy ? "true" : "false") +
           ",\"ejected\":" + (e.ejected ? "true" : "false") +
           ",\"active_requests\":" + std::to_string(e.active_requests) + "}";
  }
  return out + "]}\n";
}

weir::Router routes(const weir::Gateway& gw) {
  weir::Router r;
  r.add({.name = "api", .prefix = "/api/", .target = weir::Target::to_upstream("remote"),
         .timeout_ms = 5000, .strip_prefix = "/api"});
  r.add({.name = "metrics", .path = "/metrics", .methods = {"GET"},
         .target = weir::Target::to_handler([&gw](const weir::Request&, weir::Response& res) {
           res.headers.emplace_back("content-type", "text/plain; version=0.0.4");
           res.body = gw.prometheus_text();
         })});
  r.add({.name = "upstream-state", .path = "/upstreams/:name", .methods = {"GET"},
         .target = weir::Target::to_handler([&gw](const weir::Request& req, weir::Response& res) {
           weir::UpstreamState st;
           weir::Status s = gw.upstream_state(std::string(req.params.get("name")), &st);
           res.headers.emplace_back("content-type", "application/json");
           if (!s) {
             res.status = 404;
             res.body = "{\"error\":\"unknown upstream\"}\n";
             return;
           }
           res.body = state_json(st);
         })});
  return r;
}

sigset_t block_stop_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  signal(SIGPIPE, SIG_IGN);
  return set;
}

}  // namespace

int main(int argc, char** argv) {
  std::string upstream;
  long port = 0;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--upstream") upstream = argv[i + 1];
    else if (a == "--port") port = std::strtol(argv[i + 1], nullptr, 10);
  }
  if (argc % 2 == 0 || upstream.empty() || port < 0 || port > 65535) {
    std::fprintf(stderr, "usage: metrics_endpoint --upstream HOST:PORT [--port N]\n");
    return 2;
  }
  sigset_t stop_signals = block_stop_signals();
  weir::Gateway gw{weir::GatewayOptions{.workers = 2}};
  gw.upstream("remote", weir::UpstreamPool{weir::UpstreamOptions{}, {{upstream, 1}}})
      .router(routes(gw))
      .listen("127.0.0.1", static_cast<uint16_t>(port));
  weir::Status st = gw.start();
  if (!st) {
    std::fprintf(stderr, "metrics_endpoint: %s\n", st.message.c_str());
    return 1;
  }
  std::printf("listening on %u\n", gw.ports()[0]);
  std::fflush(stdout);
  int sig = 0;
  while (sigwait(&stop_signals, &sig) != 0) {
  }
  return gw.stop(2000) ? 0 : 1;
}

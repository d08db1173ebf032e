// embed_cpp: put weir in front of your own C++ handlers and a remote service.
//
//   embed_cpp --upstream 127.0.0.1:9001 [--port 8080]
//
// The gateway is built in code, without a config file: /hello and
// /users/:id are answered by functions of this program, /api/... is proxied
// to the remote service with the /api prefix removed. SIGTERM or SIGINT
// drains and exits.
#include <signal.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "weir/weir.hpp"

namespace {

void hello(const weir::Request&, weir::Response& res) {
  res.headers.emplace_back("content-type", "text/plain");
  res.body = "hello from an in-process handler\n";
}

// The router captured `:id`; the view is valid during this call only, so it
// is copied into the response.
void user(const weir::Request& req, weir::Response& res) {
  res.headers.emplace_back("content-type", "application/json");
  res.body = "{\"id\":\"" + std::string(req.params.get("id")) + "\"}\n";
}

weir::Router routes() {
  weir::Router r;
  r.add({.name = "hello", .path = "/hello", .methods = {"GET"},
         .target = weir::Target::to_handler(hello)});
  r.add({.name = "user", .path = "/users/:id", .methods = {"GET"},
         .target = weir::Target::to_handler(user)});
  r.add({.name = "api", .prefix = "/api/", .target = weir::Target::to_upstream("remote"),
         .timeout_ms = 5000, .strip_prefix = "/api"});
  return r;
}

// Blocked in every thread (the workers inherit the mask), so only sigwait in
// main() sees them.
sigset_t block_stop_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  signal(SIGPIPE, SIG_IGN);  // a client that hangs up is an error value, not a signal
  return set;
}

int usage() {
  std::fprintf(stderr, "usage: embed_cpp --upstream HOST:PORT [--port N]\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::string upstream;
  long port = 0;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--upstream") upstream = argv[i + 1];
    else if (a == "--port") port = std::strtol(argv[i + 1], nullptr, 10);
    else return usage();
  }
  if (argc % 2 == 0 || upstream.empty() || port < 0 || port > 65535) return usage();

  sigset_t stop_signals = block_stop_signals();
  weir::Gateway gw{weir::GatewayOptions{.workers = 2}};
  gw.upstream("remote", weir::UpstreamPool{weir::UpstreamOptions{}, {{upstream, 1}}})
      .router(routes())
      .listen("127.0.0.1", static_cast<uint16_t>(port));
  weir::Status st = gw.start();
  if (!st) {
    std::fprintf(stderr, "embed_cpp: %s\n", st.message.c_str());
    return 1;
  }
  std::printf("listening on %u\n", gw.ports()[0]);
  std::fflush(stdout);

  int sig = 0;
  while (sigwait(&stop_signals, &sig) != 0) {
  }
  st = gw.stop(2000);
  if (!st) {
    std::fprintf(stderr, "embed_cpp: stop: %s\n", st.message.c_str());
    return 1;
  }
  return 0;
}

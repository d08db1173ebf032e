// weir-gateway: the standalone gateway. `--config FILE` runs a configuration,
// `--check FILE` validates one, and no arguments run the embedded demo.
#include <signal.h>

#include <cstdio>
#include <cstring>
#include <string>

#include "echo_handler.hpp"
#include "weir.h"
#include "weir/weir.hpp"

namespace {

void usage(FILE* to) {
  std::fprintf(to,
               "usage: weir-gateway [--config FILE] [--port N]\n"
               "       weir-gateway --check FILE\n"
               "       weir-gateway --version\n"
               "With no --config, runs a demo: an echo upstream behind a route on port 8080.\n"
               "Signals: SIGHUP reloads the config file, SIGUSR1 reopens access log files\n"
               "(log rotation), SIGTERM/SIGINT drain and exit.\n");
}

int check(const char* path) {
  weir::ConfigResult r = weir::load_config_file(path);
  if (!r) {
    std::fprintf(stderr, "%s: %s\n", path, r.error.c_str());
    return 2;
  }
  std::fprintf(stderr, "%s: ok\n", path);
  return 0;
}

// Blocks the signals in every thread (workers inherit the mask) so the main
// thread alone takes them with sigwait.
sigset_t block_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGHUP);
  sigaddset(&set, SIGUSR1);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  signal(SIGPIPE, SIG_IGN);
  return set;
}

int serve(weir::Gateway& gw, const char* config_path) {
  sigset_t set = block_signals();
  weir::Status st = gw.start();
  if (!st) {
    std::fprintf(stderr, "weir-gateway: %s\n", st.message.c_str());
    return 1;
  }
  for (;;) {
    int sig = 0;
    if (sigwait(&set, &sig) != 0) continue;
    if (sig == SIGUSR1) {
      // logrotate renames the files first; new lines go to new files.
      weir::reopen_logs();
      continue;
    }
    if (sig == SIGHUP) {
      if (!config_path) continue;
      weir::ConfigResult r = weir::load_config_file(config_path);
      weir::Status rs = r ? gw.reload(*r.config) : weir::Status{weir::Status::config, r.error};
      std::fprintf(stderr, "weir-gateway: reload %s%s\n", rs ? "ok" : "failed: ",
                   rs ? "" : rs.message.c_str());
      continue;
    }
    std::fprintf(stderr, "weir-gateway: draining\n");
    gw.stop(5000);
    return 0;
  }
}

int run_demo(uint16_t port) {
  block_signals();
  // The echo upstream is itself a weir gateway whose only route is an
  // in-process handler: the public gateway proxies to it over loopback.
  weir::Router echo_routes;
  echo_routes.add({.name = "echo", .prefix = "/", .target = weir::Target::to_handler(demo::echo)});
  weir::Gateway echo_gw{weir::GatewayOptions{.workers = 1}};
  echo_gw.router(echo_routes).listen("127.0.0.1", 0);
  weir::Status st = echo_gw.start();
  if (!st) {
    std::fprintf(stderr, "weir-gateway: echo upstream: %s\n", st.message.c_str());
    return 1;
  }
  std::string echo_addr = "127.0.0.1:" + std::to_string(echo_gw.ports()[0]);

  weir::Router routes;
  routes.add({.name = "echo", .prefix = "/echo", .target = weir::Target::to_upstream("echo")});
  routes.add({.name = "healthz", .path = "/healthz",
              .target = weir::Target::to_handler([](const weir::Request&, weir::Response& res) {
                res.body = "ok\n";
              })});
  weir::Gateway gw{weir::GatewayOptions{.workers = 0}};
  gw.upstream("echo", weir::UpstreamPool{weir::UpstreamOptions{}, {{echo_addr, 1}}})
      .router(routes)
      .listen("0.0.0.0", port);
  std::fprintf(stderr,
               "weir-gateway %s: demo on http://127.0.0.1:%u/echo/hello (echo upstream %s)\n",
               weir_version(), port, echo_addr.c_str());
  int rc = serve(gw, nullptr);
  echo_gw.stop(1000);
  return rc;
}

}  // namespace

int main(int argc, char** argv) {
  const char* config = nullptr;
  uint16_t port = 8080;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if ((a == "--config" || a == "-c") && i + 1 < argc) {
      config = argv[++i];
    } else if (a == "--check" && i + 1 < argc) {
      return check(argv[++i]);
    } else if (a == "--port" && i + 1 < argc) {
      port = static_cast<uint16_t>(std::atoi(argv[++i]));
    } else if (a == "--version") {
      std::printf("weir-gateway %s\n", weir_version());
      return 0;
    } else if (a == "--help" || a == "-h") {
      usage(stdout);
      return 0;
    } else {
      std::fprintf(stderr, "weir-gateway: unknown argument \"%s\"\n", a.c_str());
      usage(stderr);
      return 2;
    }
  }
  if (!config) return run_demo(port);
  weir::ConfigResult r = weir::load_config_file(config);
  if (!r) {
    std::fprintf(stderr, "%s: %s\n", config, r.error.c_str());
    return 2;
  }
  weir::Status st;
  auto gw = weir::Gateway::from_config(*r.config, &st);
  if (!gw) {
    std::fprintf(stderr, "%s: %s\n", config, st.message.c_str());
    return 2;
  }
  return serve(*gw, config);
}

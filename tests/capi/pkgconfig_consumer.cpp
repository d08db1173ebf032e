// A plain C++ program built against an installed weir with nothing but
// `pkg-config --cflags --libs weir`: a gateway with one in-process handler,
// one request to itself over a real socket, then a clean stop.
// Exit status 0 when the answer is right; the reason on stderr otherwise.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cstdio>
#include <string>

#include "weir.h"
#include "weir/weir.hpp"

namespace {

int fail(const std::string& why) {
  std::fprintf(stderr, "pkgconfig_consumer: %s\n", why.c_str());
  return 1;
}

// One GET with Connection: close; the whole response, or "" on failure.
std::string get(uint16_t port, const char* path) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return {};
  timeval tv{5, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(port);
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string out;
  if (connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) == 0) {
    std::string req =
        std::string("GET ") + path + " HTTP/1.1\r\nHost: consumer\r\nConnection: close\r\n\r\n";
    if (send(fd, req.data(), req.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(req.size())) {
      char buf[4096];
      for (ssize_t n; (n = recv(fd, buf, sizeof buf, 0)) > 0;)
        out.append(buf, static_cast<size_t>(n));
    }
  }
  close(fd);
  return out;
}

}  // namespace

int main() {
  weir::Router router;
  router.add({.name = "ping", .path = "/ping/:who",
              .target = weir::Target::to_handler([](const weir::Request& req, weir::Response& res) {
                res.body = "pong " + std::string(req.params.get("who")) + " " + weir_version();
              })});
  weir::Gateway gw{weir::GatewayOptions{.workers = 1}};
  gw.router(router).listen("127.0.0.1", 0);
  weir::Status st = gw.start();
  if (!st) return fail("start: " + st.message);

  std::string resp = get(gw.ports().at(0), "/ping/consumer");
  std::string want = std::string("pong consumer ") + weir_version();
  st = gw.stop(1000);
  if (!st) return fail("stop: " + st.message);
  if (resp.rfind("HTTP/1.1 200 ", 0) != 0) return fail("unexpected response: " + resp);
  if (resp.size() < want.size() || resp.compare(resp.size() - want.size(), want.size(), want) != 0)
    return fail("body does not end with \"" + want + "\": " + resp);
  std::printf("ok: %s\n", want.c_str());
  return 0;
}

// A real Gateway on loopback for middleware tests, with two origin gateways
// ("a" and "b", in-process handlers) behind it, and a blocking test client.
#pragma once

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "weir/gateway.hpp"

namespace weir {

struct Reply {
  int status = 0;
  std::string head;
  std::string body;
  bool has(std::string_view line) const { return head.find(line) != std::string::npos; }
};

inline int connect_to(uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// One request on its own connection (Connection: close), read to EOF with a
// bounded wait.
inline Reply send_raw(uint16_t port, const std::string& req) {
  Reply r;
  int fd = connect_to(port);
  if (fd < 0) return r;
  if (::send(fd, req.data(), req.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(req.size())) {
    ::close(fd);
    return r;
  }
  std::string all;
  char buf[4096];
  pollfd p{fd, POLLIN, 0};
  while (::poll(&p, 1, 10000) > 0) {
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    all.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  size_t end = all.find("\r\n\r\n");
  if (all.size() < 12 || end == std::string::npos) return r;
  r.status = std::stoi(all.substr(9, 3));
  r.head = all.substr(0, end);
  r.body = all.substr(end + 4);
  return r;
}

inline Reply get(uint16_t port, const std::string& path, const std::string& extra = {}) {
  return send_raw(port, "GET " + path + " HTTP/1.1\r\nHost: t\r\nConnection: close\r\n" + extra + "\r\n");
}

inline Reply post(uint16_t port, const std::string& path, const std::string& body,
                  bool chunked = false) {
  std::string req = "POST " + path + " HTTP/1.1\r\nHost: t\r\nConnection: close\r\n";
  if (chunked) {
    req += "Transfer-Encoding: chunked\r\n\r\n";
    for (size_t i = 0; i < body.size(); i += 1000) {
      std::string part = body.substr(i, 1000);
      char size[16];
      std::snprintf(size, sizeof size, "%zx\r\n", part.size());
      req += size + part + "\r\n";
    }
    req += "0\r\n\r\n";
  } else {
    req += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  }
  return send_raw(port, req);
}

// A handler that answers with its name and the x-mark request headers seen.
inline Handler named(std::string name) {
  return [name](const Request& req, Response& res) {
    res.status = 200;
    if (req.path == "/big") {  // more than one read of the gateway's
      res.body = std::string(300000, 'b');
      return;
    }
    res.body = name;
    if (req.path != "/x") res.body += " " + std::string(req.path);
    for (const auto& h : req.headers)
      if (iequals(h.name, "x-mark")) res.body += " " + std::string(h.value);
    if (!req.body.empty()) res.body += " body=" + std::string(req.body);
  };
}

// Two origin gateways ("a" and "b") and the gateway under test in front of them.
class GatewayFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* name : {"a", "b"}) {
      auto o = std::make_unique<Gateway>(GatewayOptions{.workers = 1});
      Router r;
      r.add({.name = name, .path = "/*rest", .target = Target::to_handler(named(name))});
      o->router(std::move(r)).listen("127.0.0.1", 0);
      ASSERT_TRUE(o->start());
      origins_.push_back(std::move(o));
    }
  }
  void TearDown() override {
    if (gw_) gw_->stop(1000);
    for (auto& o : origins_) o->stop(1000);
  }

  void serve(Pipeline p, uint32_t timeout_ms = 30000, uint32_t workers = 2) {
    gw_ = std::make_unique<Gateway>(GatewayOptions{.workers = workers});
    for (size_t i = 0; i < origins_.size(); ++i) {
      std::string addr = "127.0.0.1:" + std::to_string(origins_[i]->ports()[0]);
      gw_->upstream(i == 0 ? "a" : "b", UpstreamPool({}, {{addr, 1}}));
    }
    Router r;
    Route route{.name = "main", .path = "/*rest", .target = Target::to_upstream("a")};
    route.timeout_ms = timeout_ms;
    r.add(std::move(route));
    gw_->router(std::move(r)).pipeline(std::move(p)).listen("127.0.0.1", 0);
    ASSERT_TRUE(gw_->start());
    port_ = gw_->ports()[0];
  }

  std::vector<std::unique_ptr<Gateway>> origins_;
  std::unique_ptr<Gateway> gw_;
  uint16_t port_ = 0;
};


}  // namespace weir

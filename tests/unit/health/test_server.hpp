// A small HTTP/1.1 server on 127.0.0.1 for the checker tests: a thread with
// blocking sockets that answers every request with the status it is told
// (or, when told 0, reads the request and never answers). Bounded: polls
// with a timeout so stop() always ends it.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace weir::test {

class TestServer {
 public:
  TestServer() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
    ::listen(fd_, 64);
    socklen_t len = sizeof a;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~TestServer() { stop(); }

  void stop() {
    stop_.store(true);
    if (thread_.joinable()) thread_.join();
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  uint16_t port() const { return port_; }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  void set_status(int status) { status_.store(status); }
  int requests() const { return requests_.load(); }
  // Requests answered with a status a default check accepts (200..399), and
  // the others (including those left unanswered).
  int passed() const { return passed_.load(); }
  int failed() const { return failed_.load(); }
  std::string last_request() {
    std::lock_guard<std::mutex> lock(mu_);
    return last_;
  }

 private:
  void serve() {
    while (!stop_.load()) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 20) <= 0) continue;
      int c = ::accept(fd_, nullptr, nullptr);
      if (c < 0) continue;
      std::string req = read_head(c);
      requests_.fetch_add(1);
      {
        std::lock_guard<std::mutex> lock(mu_);
        last_ = req;
      }
      int status = status_.load();
      (status >= 200 && status <= 399 ? passed_ : failed_).fetch_add(1);
      if (status != 0) {
        std::string res = "HTTP/1.1 " + std::to_string(status) +
                          " X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
        (void)!::write(c, res.data(), res.size());
        ::close(c);
      } else {
        silent_.push_back(c);  // held open without an answer until stop
      }
    }
    for (int c : silent_) ::close(c);
  }

  std::string read_head(int c) {
    std::string req;
    char buf[1024];
    for (int rounds = 0; rounds < 50 && req.find("\r\n\r\n") == std::string::npos; ++rounds) {
      pollfd p{c, POLLIN, 0};
      if (::poll(&p, 1, 20) <= 0) continue;
      ssize_t n = ::read(c, buf, sizeof buf);
      if (n <= 0) break;
      req.append(buf, static_cast<size_t>(n));
    }
    return req;
  }

  int fd_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> status_{200};
  std::atomic<int> requests_{0};
  std::atomic<int> passed_{0};
  std::atomic<int> failed_{0};
  std::mutex mu_;
  std::string last_;
  std::vector<int> silent_;
  std::thread thread_;
};

// A port on 127.0.0.1 where nothing listens (bound once, then closed).
inline uint16_t closed_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

}  // namespace weir::test

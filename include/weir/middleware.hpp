// The middleware pipeline: an ordered list of middleware, each a few optional
// hooks. A missing hook means "continue". The request hook may answer locally.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "weir/export.hpp"
#include "weir/http.hpp"

namespace weir {

// What a middleware may change about one exchange. Valid during the hook call.
class WEIR_API Context {
 public:
  const Request& request() const noexcept { return *req_; }
  // Adds a header to the request sent upstream (after removing same-named ones).
  void set_request_header(std::string name, std::string value);
  // Removes request headers with this name before they go upstream.
  void remove_request_header(std::string name);
  // Adds a header to the response sent to the client.
  void set_response_header(std::string name, std::string value);
  // Answers locally; the upstream is not contacted.
  void respond(uint16_t status, std::string body = {},
               std::vector<std::pair<std::string, std::string>> headers = {});
  uint16_t response_status() const noexcept { return response_status_; }

  // Used by the gateway.
  struct Edits {
    std::vector<std::pair<std::string, std::string>> request_set;
    std::vector<std::string> request_remove;
    std::vector<std::pair<std::string, std::string>> response_set;
    bool responded = false;
    Response local;
  };
  Context(const Request* req, Edits* edits, uint16_t status = 0)
      : req_(req), edits_(edits), response_status_(status) {}

 private:
  const Request* req_;
  Edits* edits_;
  uint16_t response_status_;
};

struct Middleware {
  std::string name;
  std::function<void(Context&)> on_request;   // before the upstream; may respond()
  std::function<void(Context&)> on_response;  // response head, reverse order
};

class WEIR_API Pipeline {
 public:
  Pipeline& use(Middleware m) {
    chain_.push_back(std::move(m));
    return *this;
  }
  const std::vector<Middleware>& chain() const noexcept { return chain_; }
  bool empty() const noexcept { return chain_.empty(); }

 private:
  std::vector<Middleware> chain_;
};

}  // namespace weir

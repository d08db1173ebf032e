#include "weir/middleware.hpp"

namespace weir {

void Context::set_request_header(std::string name, std::string value) {
  edits_->request_set.emplace_back(std::move(name), std::move(value));
}

void Context::remove_request_header(std::string name) {
  edits_->request_remove.push_back(std::move(name));
}

void Context::set_response_header(std::string name, std::string value) {
  edits_->response_set.emplace_back(std::move(name), std::move(value));
}

void Context::respond(uint16_t status, std::string body,
                      std::vector<std::pair<std::string, std::string>> headers) {
  edits_->responded = true;
  edits_->local.status = status;
  edits_->local.body = std::move(body);
  edits_->local.headers = std::move(headers);
}

}  // namespace weir

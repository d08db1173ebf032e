// What a weir_gateway_t holds, shared by the files that implement the C ABI.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "weir.h"
#include "weir/gateway.hpp"

struct weir_gateway {
  std::unique_ptr<weir::Gateway> gw;
  std::string error;
  // Strings handed out by weir_gateway_upstream_state(), valid until the
  // next call on the handle.
  std::vector<std::string> addresses;
};

inline weir_status to_status(const weir::Status& st) { return static_cast<weir_status>(st.code); }

inline weir_status set_error(weir_gateway_t* h, weir_status code, std::string msg) {
  if (h) h->error = std::move(msg);
  return code;
}

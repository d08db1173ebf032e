// What a Resumer holds: the way back to a paused exchange. Allocated only
// when a middleware calls Context::pause().
#pragma once

#include <atomic>
#include <memory>

#include "core/mailbox.hpp"

namespace weir::core {

class ClientConnection;

struct PauseState {
  std::shared_ptr<Mailbox> mailbox;  // the exchange's worker
  // Worker thread only: the exchange, until it resumes or ends. A posted
  // resume finds null when the client went away meanwhile.
  ClientConnection* conn = nullptr;
  std::atomic<bool> used{false};  // resume() counts once
};

}  // namespace weir::core

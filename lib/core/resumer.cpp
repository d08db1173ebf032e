// Resumer::resume: from any thread, through the worker's mailbox, so the
// exchange is only ever touched on its own loop.
#include "core/client_connection.hpp"
#include "core/pause_state.hpp"
#include "weir/middleware.hpp"

namespace weir {

void Resumer::resume(std::function<void(Context&)> then) const {
  if (!state_ || state_->used.exchange(true, std::memory_order_acq_rel)) return;
  std::shared_ptr<core::PauseState> st = state_;
  st->mailbox->post([st, then = std::move(then)]() mutable {
    if (st->conn) st->conn->resume_paused(*st, then);
  });
}

}  // namespace weir

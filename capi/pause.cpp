// weir_request_pause and weir_pause_resume: a paused exchange's handle for
// the host, and the guarantee that the host's resume callback runs exactly
// once — on the exchange's worker with the request, or with NULL wherever
// weir learns that the exchange is gone, so the host can free its state.
#include <atomic>
#include <memory>

#include "request.hpp"

struct weir_pause {
  weir::Resumer resumer;
};

namespace {

// The host's callback, owned by the closure that weir posts to the worker.
// If that closure is dropped without running (the exchange ended, the
// worker's inbox closed), the destructor tells the host with NULL.
class ResumeCall {
 public:
  ResumeCall(weir_resume_fn fn, void* user) noexcept : fn_(fn), user_(user) {}
  ResumeCall(const ResumeCall&) = delete;
  ResumeCall& operator=(const ResumeCall&) = delete;
  ~ResumeCall() {
    if (!ran_ && fn_) fn_(nullptr, user_);
  }
  void run(weir::Context& ctx) {
    ran_ = true;
    if (!fn_) return;
    weir_request req(ctx);
    fn_(&req, user_);
  }

 private:
  weir_resume_fn fn_;
  void* user_;
  bool ran_ = false;  // only the worker thread runs and drops the call
};

}  // namespace

extern "C" {

weir_status weir_request_pause(weir_request_t* req, weir_pause_t** out) {
  if (!out) return WEIR_EINVAL;
  *out = nullptr;
  if (!req) return WEIR_EINVAL;
  // The request and response phases may pause; the gateway refuses where
  // it cannot wait (the log phase, a response it made itself).
  if (req->ctx->phase() == weir::Context::Phase::log) return WEIR_ESTATE;
  const weir::Context::Edits& e = *req->ctx->edits();
  if (e.responded || e.paused) return WEIR_ESTATE;
  return weir::capi::guarded([&] {
    auto p = std::make_unique<weir_pause>();
    p->resumer = req->ctx->pause();
    if (!p->resumer) return WEIR_ESTATE;
    *out = p.release();
    return WEIR_OK;
  });
}

weir_status weir_pause_resume(weir_pause_t* p, weir_resume_fn fn, void* user) {
  if (!p) return WEIR_EINVAL;
  std::unique_ptr<weir_pause> owned(p);
  std::shared_ptr<ResumeCall> call;
  try {
    call = std::make_shared<ResumeCall>(fn, user);
  } catch (...) {
    if (fn) fn(nullptr, user);
    return WEIR_ENOMEM;
  }
  return weir::capi::guarded([&] {
    // `call` moves into the closure: from here on its destructor, wherever
    // the closure ends, is what reports a gone exchange.
    owned->resumer.resume([c = std::move(call)](weir::Context& ctx) { c->run(ctx); });
    return WEIR_OK;
  });
}

}  // extern "C"

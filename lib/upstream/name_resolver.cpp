#include "upstream/name_resolver.hpp"

#include <algorithm>

namespace weir::upstream {

struct NameResolver::Lookup {
  NameResolver* home;  // null once the resolver is gone
  NameWatch watch;
  uv_timer_t timer;
  uv_getaddrinfo_t req;
  bool dropped = false;
  bool in_flight = false;
  bool timer_open = true;
};

NameResolver::NameResolver(uv_loop_t* loop, Callback on_answer)
    : loop_(loop), on_answer_(std::move(on_answer)) {}

NameResolver::~NameResolver() {
  for (Lookup* l : lookups_) {
    if (!l->dropped) drop(l);
    l->home = nullptr;
  }
}

size_t NameResolver::watched() const noexcept {
  return static_cast<size_t>(std::count_if(lookups_.begin(), lookups_.end(),
                                           [](const Lookup* l) { return !l->dropped; }));
}

void NameResolver::watch(const std::vector<NameWatch>& names) {
  if (closing_) return;
  for (Lookup* l : std::vector<Lookup*>(lookups_)) {
    if (l->dropped) continue;
    auto it = std::find_if(names.begin(), names.end(),
                           [&](const NameWatch& n) { return n.host == l->watch.host; });
    if (it == names.end()) {
      drop(l);
    } else if (it->interval_ms != l->watch.interval_ms) {
      // A new interval counts from now, so a reload that shortens a day to
      // a second does not wait out the day first.
      l->watch.interval_ms = it->interval_ms;
      if (uv_is_active(reinterpret_cast<uv_handle_t*>(&l->timer)))
        uv_timer_start(&l->timer, &on_timer, l->watch.interval_ms, 0);
    }
  }
  for (const NameWatch& n : names) {
    bool have = std::any_of(lookups_.begin(), lookups_.end(), [&](const Lookup* l) {
      return !l->dropped && l->watch.host == n.host;
    });
    if (have) continue;
    auto* l = new Lookup{this, n, {}, {}};
    uv_timer_init(loop_, &l->timer);
    l->timer.data = l;
    l->req.data = l;
    lookups_.push_back(l);
    start(l);
  }
}

void NameResolver::start(Lookup* l) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  int r = uv_getaddrinfo(loop_, &l->req, &on_answer, l->watch.host.c_str(), nullptr, &hints);
  if (r == 0) {
    l->in_flight = true;
    return;
  }
  // Not even queued (out of memory): an answer like any failure, then retry.
  std::vector<SocketAddress> none;
  on_answer_(NameAnswer{l->watch.host, r, none});
  uv_timer_start(&l->timer, &on_timer, l->watch.interval_ms, 0);
}

void NameResolver::on_timer(uv_timer_t* t) {
  auto* l = static_cast<Lookup*>(t->data);
  if (!l->dropped && l->home) l->home->start(l);
}

void NameResolver::on_answer(uv_getaddrinfo_t* req, int status, addrinfo* res) {
  auto* l = static_cast<Lookup*>(req->data);
  l->in_flight = false;
  if (l->dropped || !l->home) {
    if (res) uv_freeaddrinfo(res);
    if (l->home) l->home->release(l);
    else if (!l->timer_open) delete l;
    return;
  }
  std::vector<SocketAddress> addresses;
  if (status == 0) {
    addresses = select_addresses(res);
    if (addresses.empty()) status = UV_EAI_NODATA;
  }
  if (res) uv_freeaddrinfo(res);
  NameResolver* home = l->home;
  home->on_answer_(NameAnswer{l->watch.host, status, addresses});
  // The callback does not change the watched set (publishing is posted), so
  // `l` is still watched here.
  uv_timer_start(&l->timer, &on_timer, l->watch.interval_ms, 0);
}

void NameResolver::drop(Lookup* l) {
  l->dropped = true;
  uv_timer_stop(&l->timer);
  // Cancelling fails once a threadpool thread runs the lookup; its answer
  // then arrives later and is ignored.
  if (l->in_flight) uv_cancel(reinterpret_cast<uv_req_t*>(&l->req));
  uv_close(reinterpret_cast<uv_handle_t*>(&l->timer), [](uv_handle_t* h) {
    auto* l = static_cast<Lookup*>(h->data);
    l->timer_open = false;
    if (l->home) l->home->release(l);
    else if (!l->in_flight) delete l;
  });
}

void NameResolver::release(Lookup* l) {
  if (l->timer_open || l->in_flight) return;
  lookups_.erase(std::find(lookups_.begin(), lookups_.end(), l));
  delete l;
  if (closing_ && lookups_.empty() && closed_) {
    auto done = std::move(closed_);
    closed_ = nullptr;
    done();  // may destroy this resolver
  }
}

void NameResolver::close(std::function<void()> done) {
  closing_ = true;
  closed_ = std::move(done);
  for (Lookup* l : std::vector<Lookup*>(lookups_))
    if (!l->dropped) drop(l);
  if (lookups_.empty() && closed_) {
    auto d = std::move(closed_);
    closed_ = nullptr;
    d();
  }
}

}  // namespace weir::upstream

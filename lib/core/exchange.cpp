// The exchange on a client connection: validating the request head, routing,
// relaying to an upstream or a handler, and relaying the response back.
#include <bit>
#include <charconv>
#include <cstring>

#include "core/client_connection.hpp"
#include "core/mirror_request.hpp"
#include "core/worker.hpp"
#include "http/local_response.hpp"
#include "http/method.hpp"
#include "http/status.hpp"
#include "router/path_normalize.hpp"
#include "router/trailing_slash.hpp"
#include "middleware/builtin/jwt/claims.hpp"
#include "observe/log.hpp"
#include "upstream/health/error_outcome.hpp"
#include "upstream/lb/hash_key.hpp"

namespace weir::core {

namespace {
constexpr char kCrlf[] = "\r\n";
constexpr char kLastChunk[] = "0\r\n\r\n";
constexpr char k100Continue[] = "HTTP/1.1 100 Continue\r\n\r\n";

bool has_no_body(int status) { return status < 200 || status == 204 || status == 304; }

// Template output into a request head or into a Location value.
class HeadSink final : public router::TextSink {
 public:
  explicit HeadSink(HeadBuffer& b) : b_(b) {}
  void append(std::string_view bytes) override { b_.append(bytes); }

 private:
  HeadBuffer& b_;
};

class StringSink final : public router::TextSink {
 public:
  explicit StringSink(std::string& s) : s_(s) {}
  void append(std::string_view bytes) override { s_.append(bytes); }

 private:
  std::string& s_;
};

// Appends "name: value\r\n", reserving once for the whole line.
void put_field(HeadBuffer& b, std::string_view name, std::string_view value) {
  const size_t n = name.size() + value.size() + 4;
  char* out = b.tail(n);
  if (!out) return;
  // An empty view may carry a null pointer, which memcpy must not see.
  if (!name.empty()) std::memcpy(out, name.data(), name.size());
  out += name.size();
  out[0] = ':';
  out[1] = ' ';
  out += 2;
  if (!value.empty()) std::memcpy(out, value.data(), value.size());
  out += value.size();
  out[0] = '\r';
  out[1] = '\n';
  b.advance(n);
}

// Queues body bytes, as one chunk (RFC 9112 7.1) when `chunked`.
void add_payload(IovBatch& bt, const char* data, size_t len, bool chunked) {
  if (chunked) {
    char* f = bt.frame();
    auto r = std::to_chars(f, f + 20, static_cast<uint64_t>(len), 16);
    r.ptr[0] = '\r';
    r.ptr[1] = '\n';
    bt.add(f, static_cast<size_t>(r.ptr + 2 - f));
    bt.add(data, len);
    bt.add(kCrlf, 2);
  } else {
    bt.add(data, len);
  }
}

// The eight lowercase hex digits of `v`, most significant first, as the
// bytes of a word in memory order (little-endian): each nibble spread to a
// byte, then '0' or 'a' - 10 added to each byte at once.
uint64_t hex_word(uint32_t v) {
  static_assert(std::endian::native == std::endian::little);
  uint64_t x = v;
  x = (x | x << 16) & 0x0000FFFF0000FFFFull;
  x = (x | x << 8) & 0x00FF00FF00FF00FFull;
  x = (x | x << 4) & 0x0F0F0F0F0F0F0F0Full;
  x = __builtin_bswap64(x);
  const uint64_t letters = ((x + 0x0606060606060606ull) >> 4) & 0x0101010101010101ull;
  return x + 0x3030303030303030ull + letters * ('a' - '0' - 10);
}

// True when `name` is listed in any Connection field (RFC 9110 7.6.1).
bool named_by_connection(const http::HeadFields& f, std::string_view name) {
  for (uint32_t i = 0; i < f.size(); ++i)
    if (f.kind(i) == http::HeaderKind::connection && http::has_token(f.at(i).value, name))
      return true;
  return false;
}
}  // namespace

std::string_view ClientConnection::request_id() {
  if (request_id_len_ == 0) {
    // Unique per process: worker index and a per-worker sequence, mixed so
    // that ids do not look sequential to clients.
    uint64_t seq = w_.next_request_seq();
    uint64_t z = (static_cast<uint64_t>(w_.index()) << 56) ^ seq ^
                 reinterpret_cast<uintptr_t>(&w_);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    z ^= z >> 31;
    const uint64_t hi = hex_word(static_cast<uint32_t>(z >> 32)), lo = hex_word(static_cast<uint32_t>(z));
    std::memcpy(request_id_, &hi, 8);
    std::memcpy(request_id_ + 8, &lo, 8);
    request_id_len_ = 16;
  }
  return {request_id_, request_id_len_};
}

bool ClientConnection::validate_head() {
  auto fail = [this](int status, const char* msg) {
    reject_status_ = status;
    reject_message_ = msg;
    return false;
  };
  if (parser_.http_major != 1) return fail(505, "unsupported HTTP version");
  if (parser_.method == HTTP_CONNECT) return fail(405, "CONNECT is not supported");
  if (parser_.http_minor == 1 && host_index_ == UINT32_MAX)
    return fail(400, "missing Host header");  // RFC 9112 3.2
  // Framing: exactly one way to find the body's end (RFC 9112 6.1, 6.3).
  uint32_t te = 0, cl = 0;
  std::string_view cl_value;
  for (uint32_t i = 0; i < fields_.size(); ++i) {
    http::HeaderKind k = fields_.kind(i);
    if (k == http::HeaderKind::transfer_encoding) {
      if (++te > 1 || !iequals(fields_.at(i).value, "chunked"))
        return fail(400, "unsupported Transfer-Encoding");
    } else if (k == http::HeaderKind::content_length) {
      if (cl++ && fields_.at(i).value != cl_value)
        return fail(400, "conflicting Content-Length");
      cl_value = fields_.at(i).value;
    } else if (k == http::HeaderKind::expect) {
      expect_continue_ = iequals(fields_.at(i).value, "100-continue");
    }
  }
  if (te && cl) return fail(400, "both Content-Length and Transfer-Encoding");
  std::string_view url(rbuf_.data + url_off_, url_len_);
  if (url.empty()) return fail(400, "empty request target");
  if (url.front() != '/') {
    // absolute-form (RFC 9112 3.2.2): the authority must agree with Host.
    size_t scheme = url.find("://");
    if (url == "*" || scheme == std::string_view::npos) return fail(400, "unsupported request target");
    std::string_view rest = url.substr(scheme + 3);
    size_t slash = rest.find_first_of("/?");
    std::string_view authority = rest.substr(0, slash);
    std::string_view host = host_index_ != UINT32_MAX ? host_ : authority;
    if (authority.empty() || !iequals(authority, host))
      return fail(400, "request target authority does not match Host");
  }
  head_method_ = parser_.method == HTTP_HEAD;
  upgrade_ = parser_.upgrade != 0;
  // HTTP/1.0 clients get close-delimited exchanges (RFC 9112 9.3).
  close_after_ = !llhttp_should_keep_alive(&parser_) || parser_.http_minor == 0;
  return true;
}

void ClientConnection::dispatch() {
  snap_ = w_.current();
  std::string_view url(rbuf_.data + url_off_, url_len_);
  if (url.front() != '/') {
    size_t start = url.find("://") + 3;
    size_t slash = url.find_first_of("/?", start);
    url = slash == std::string_view::npos ? std::string_view("/") : url.substr(slash);
    if (url.front() == '?') url = std::string_view();  // "http://h?q": path "/"
  }
  size_t q = url.find('?');
  std::string_view raw_path = url.substr(0, q);
  if (raw_path.empty()) raw_path = "/";
  query_off_ = q == std::string_view::npos ? 0 : off(url.data() + q + 1);
  query_len_ = q == std::string_view::npos ? 0 : static_cast<uint32_t>(url.size() - q - 1);

  // The normalised path opens up_head_; the request head follows it.
  up_head_.clear();
  char* out = up_head_.tail(raw_path.size() + 1);
  if (!out) {
    reject(503, "out of memory");
    return;
  }
  size_t norm_len = 0;
  PathError pe = normalize_path(raw_path, out, raw_path.size() + 1, &norm_len);
  if (pe != PathError::none) {
    reject(400, pe == PathError::traversal ? "invalid path: traversal" : "invalid path");
    return;
  }
  up_head_.advance(norm_len);
  path_len_ = static_cast<uint32_t>(norm_len);

  MatchInput in{llhttp_method_name(static_cast<llhttp_method_t>(parser_.method)), host_,
                std::string_view(up_head_.data(), path_len_), fields_.headers(),
                std::string_view(rbuf_.data + query_off_, query_len_), client_addr_};
  route_ = snap_->routes->match(in, fields_.params());
  has_params_ = fields_.params().size != 0;
  if (!route_ && snap_->routes->slash_redirect(in)) {
    // trailing_slash "redirect": only the other spelling of the path has a
    // route. GET may become 301; other methods keep method and body (308).
    Response moved;
    moved.status = parser_.method == HTTP_GET ? 301 : 308;
    std::string location;
    router::append_slash_location(location, in.path, in.query);
    moved.headers.emplace_back("location", std::move(location));
    status_ = moved.status;
    std::string bytes;
    http::append_response(bytes, moved, local_close(), head_method_);
    respond_local(std::move(bytes));
    return;
  }
  if (!route_) {
    status_ = 404;
    log_error(404, "no route");
    std::string bytes;
    http::append_error_response(bytes, 404, "no route", request_id(), local_close(),
                                head_method_);
    respond_local(std::move(bytes));
    return;
  }
  hooks_ran_ = 0;
  chain_hooks_ = snap_->pipeline.empty() ? 0 : snap_->pipeline.info[chain_index()].hooks;
  if (!snap_->pipeline.empty() && !run_request_hooks(0)) return;  // answered or paused
  forward();
}

void ClientConnection::forward() {
  const Limits& lim = snap_->limits;
  bool has_body = (parser_.flags & F_CHUNKED) || parser_.content_length > 0;
  if (lim.max_body_bytes && (parser_.flags & F_CONTENT_LENGTH) &&
      parser_.content_length > lim.max_body_bytes) {
    reject(413, "request body too large");
    return;
  }
  const RoutePlan& plan = snap_->plans[route_index()];
  switch (edits_ && edits_->upstream >= 0 ? Target::Kind::upstream : plan.kind) {
    case Target::Kind::respond:
    case Target::Kind::redirect:
      answer_locally(plan);
      return;
    case Target::Kind::split: {
      const router::WeightedSplit& split = plan.actions.split;
      std::string_view claim;
      if (split.sticky_kind() == StickyKey::Kind::claim && edits_ && edits_->claims) {
        // The jwt middleware (earlier on this route) left the verified claims.
        const auto* claims = static_cast<const jwt::Claims*>(edits_->claims.get());
        if (const std::string* v = claims->text(split.sticky_name())) claim = *v;
      }
      size_t side = split.pick(fields_.headers(), client_ip_view(), w_.next_request_seq(), claim);
      upstream_index_ = plan.split_upstreams[side];
      break;
    }
    case Target::Kind::upstream:  // the route's, or the one a middleware chose
      upstream_index_ = edits_ && edits_->upstream >= 0 ? edits_->upstream : plan.upstream;
      break;
    case Target::Kind::handler:
      upstream_index_ = -1;
      break;
  }
  if (upstream_index_ < 0 || (chain_hooks_ & MiddlewareChains::request_body)) {
    if (chain_hooks_ & MiddlewareChains::request_body) {
      uint32_t max = snap_->pipeline.info[chain_index()].request_body_max;
      if ((parser_.flags & F_CONTENT_LENGTH) && parser_.content_length > max) {
        reject(413, "request body too large");
        return;
      }
    }
    // The body is collected first: for the handler, or for body hooks.
    phase_ = upstream_index_ < 0 && !(chain_hooks_ & MiddlewareChains::request_body)
                 ? Phase::handler : Phase::buffering;
    parse_paused_ = false;
    kick_ = true;
    if (has_body && expect_continue_) {
      uv_buf_t b = uv_buf_init(const_cast<char*>(k100Continue), sizeof k100Continue - 1);
      out_.send(&b, 1);
      expect_continue_ = false;
    }
    return;  // run_handler() or body_complete() once the body is in
  }
  to_upstream();
}

void ClientConnection::to_upstream() {
  const RoutePlan& plan = snap_->plans[route_index()];
  started_ms_ = uv_now(io_.loop);
  if (!admit_by_breaker()) return;
  if (!pick_endpoint(nullptr)) {
    reject(503, "no upstream endpoint available");
    return;
  }
  w_.begin_request();
  in_flight_ = true;
  up_chunked_ = !body_buffered_ && (parser_.flags & F_CHUNKED) != 0;
  build_request_head(plan);
  if (up_head_.failed()) {
    reject(503, "out of memory");
    return;
  }
  if (plan.mirror >= 0) mirror_request(plan);
  phase_ = Phase::connecting;
  connect_upstream();
}

bool ClientConnection::local_close() noexcept {
  // A request body still coming is read and dropped, unless it is large (or
  // of unknown size) enough that closing is cheaper.
  if ((parser_.flags & F_CHUNKED) || parser_.content_length > 65536) close_after_ = true;
  return close_after_;
}

void ClientConnection::respond_local(std::string&& bytes) {
  phase_ = Phase::local;
  parse_paused_ = false;
  kick_ = true;
  response_done_ = true;
  send_local(std::move(bytes), close_after_);
}

void ClientConnection::answer_locally(const RoutePlan& plan) {
  const Target& t = route_->target;
  Response redirect;
  const Response* res = &t.response;
  if (plan.kind == Target::Kind::redirect) {
    redirect.status = t.redirect.status;
    std::string location;
    StringSink sink(location);
    router::TemplateValues v{host_,
                             std::string_view(up_head_.data(), path_len_),
                             std::string_view(rbuf_.data + query_off_, query_len_), &fields_.params()};
    plan.actions.location.render(v, sink);
    redirect.headers.emplace_back("location", std::move(location));
    res = &redirect;
  }
  Response edited;
  if (edits_) {
    run_response_hooks(res->status);
    if (edits_changed(Context::Edits::response_headers) &&
        (!edits_->response_set.empty() || !edits_->response_add.empty())) {
      edited = *res;
      add_set_headers(edited);
      res = &edited;
    }
  }
  status_ = res->status;
  std::string bytes;
  http::append_response(bytes, *res, local_close(), head_method_);
  respond_local(std::move(bytes));
}

Request ClientConnection::request_view() const {
  // Every member in one initialiser, the calls and conditions made before
  // it: assigned one by one, or with a call or a condition inside the
  // initialiser, the view is first cleared whole (`rep stos`), on every phase.
  const std::string_view method = llhttp_method_name(static_cast<llhttp_method_t>(parser_.method));
  const std::string_view client_ip = client_ip_view();
  const std::string_view route = route_ ? std::string_view(route_->name) : std::string_view();
  // The params sit at the far end of the header table: read them only when
  // the route captured some.
  const ParamsView params = has_params_ ? ParamsView(fields_.params()) : ParamsView();
  return Request{
      .method = method,
      .target = std::string_view(rbuf_.data + url_off_, url_len_),
      .path = std::string_view(up_head_.data(), path_len_),
      .query = std::string_view(rbuf_.data + query_off_, query_len_),
      .host = host_,
      .user_agent = user_agent_,
      .version_minor = parser_.http_minor,
      .headers = fields_.headers(),
      .body = body_buf_,
      .client_ip = client_ip,
      .route = route,
      .params = params,
  };
}

bool ClientConnection::edited_away(std::string_view name) const {
  if (!edits_changed(Context::Edits::request_headers)) return false;
  return edits_->request_remove.holds_name(name) || edits_->request_set.holds_name(name);
}

void ClientConnection::append_forwarded_path(const RoutePlan& plan) {
  HeadBuffer& b = up_head_;
  const Route& r = *route_;
  if (edits_changed(Context::Edits::route) && !edits_->path.empty()) {  // a middleware's rewrite wins over the route's
    b.append(edits_->path);
    return;
  }
  if (!plan.actions.path.empty()) {
    // Path and params are views into this buffer: reserve first (which may
    // move it, see rebase_params), so that rendering never moves the bytes
    // it reads.
    size_t room = plan.actions.path.max_rendered(path_len_);
    if (b.tail(room) == nullptr) return;  // failed() is set
    rebase_params();
    HeadSink sink(b);
    router::TemplateValues v{{}, std::string_view(b.data(), path_len_), {}, &fields_.params()};
    plan.actions.path.render(v, sink);
    return;
  }
  std::string_view path(b.data(), path_len_);
  uint32_t fwd_off = 0;
  std::string_view to;
  const std::string& from = !r.replace_prefix.from.empty() ? r.replace_prefix.from : r.strip_prefix;
  if (!from.empty() && path.substr(0, from.size()) == from) {
    fwd_off = static_cast<uint32_t>(from.size());
    to = r.replace_prefix.to;
  }
  if (!to.empty()) {
    b.append(to);
    // "/v2/" + "/x" is "/v2/x", not "/v2//x".
    if (to.back() == '/' && fwd_off < path_len_ && b.data()[fwd_off] == '/') ++fwd_off;
  } else if (fwd_off == path_len_ || b.data()[fwd_off] != '/') {
    b.append('/');  // a stripped path keeps its leading slash
  }
  b.append_self(fwd_off, path_len_ - fwd_off);
}

void ClientConnection::note_param_offsets() noexcept {
  const Params& p = fields_.params();
  for (uint8_t i = 0; i < p.size; ++i)
    param_offs_[i] = static_cast<uint32_t>(p.items[i].value.data() - up_head_.data());
}

void ClientConnection::rebase_params() noexcept {
  // The captured values are views into the normalised path at the start of
  // up_head_; a head that outgrows its block moves it.
  Params& p = fields_.params();
  for (uint8_t i = 0; i < p.size; ++i)
    p.items[i].value = std::string_view(up_head_.data() + param_offs_[i], p.items[i].value.size());
}

void ClientConnection::build_request_head(const RoutePlan& plan) {
  HeadBuffer& b = up_head_;
  b.truncate(path_len_);
  note_param_offsets();
  const Route& r = *route_;
  b.append(llhttp_method_name(static_cast<llhttp_method_t>(parser_.method)));
  b.append(' ');
  append_forwarded_path(plan);
  if (query_len_) {
    b.append('?');
    b.append(std::string_view(rbuf_.data + query_off_, query_len_));
  }
  b.append(" HTTP/1.1\r\n");

  if (!r.host_rewrite.empty()) put_field(b, "host", r.host_rewrite);
  else if (!host_.empty()) put_field(b, "host", host_);
  else put_field(b, "host", endpoint_->authority);

  bool has_connection = false;
  bool first_xff = true;
  for (uint32_t i = 0; i < fields_.size(); ++i)
    if (fields_.kind(i) == http::HeaderKind::connection) has_connection = true;
  for (uint32_t i = 0; i < fields_.size(); ++i) {
    const Header& h = fields_.at(i);
    switch (fields_.kind(i)) {
      case http::HeaderKind::other:
      case http::HeaderKind::user_agent:
        if (has_connection && named_by_connection(fields_, h.name)) continue;
        if (edits_ && edited_away(h.name)) continue;
        put_field(b, h.name, h.value);
        continue;
      case http::HeaderKind::via:
        if (snap_->via) continue;  // merged below
        put_field(b, h.name, h.value);
        continue;
      case http::HeaderKind::x_forwarded_for:
        // Earlier hops' values, in order, before ours (appended below).
        b.append(first_xff ? "x-forwarded-for: " : ", ");
        b.append(h.value);
        first_xff = false;
        continue;
      default:
        continue;  // hop-by-hop, framing, Host, Expect, X-Forwarded-Proto/Host
    }
  }
  b.append(first_xff ? "x-forwarded-for: " : ", ");
  b.append(client_ip_view());
  b.append(kCrlf);
  put_field(b, "x-forwarded-proto", "http");
  if (!host_.empty()) put_field(b, "x-forwarded-host", host_);
  if (snap_->via) {
    b.append("via: ");
    for (uint32_t i = 0; i < fields_.size(); ++i)
      if (fields_.kind(i) == http::HeaderKind::via) {
        b.append(fields_.at(i).value);
        b.append(", ");
      }
    b.append("1.1 weir\r\n");
  }
  if (upgrade_) {
    for (uint32_t i = 0; i < fields_.size(); ++i)
      if (fields_.kind(i) == http::HeaderKind::upgrade) put_field(b, "upgrade", fields_.at(i).value);
    b.append("connection: upgrade\r\n");
  }
  if (edits_changed(Context::Edits::request_headers)) {
    for (const auto& [name, value] : edits_->request_set)
      if (http::is_safe_field(name, value)) put_field(b, name, value);
    for (const auto& [name, value] : edits_->request_add)
      if (http::is_safe_field(name, value)) put_field(b, name, value);
  }
  if (body_buffered_) {
    if (!body_buf_.empty() || (parser_.flags & (F_CHUNKED | F_CONTENT_LENGTH))) {
      b.append("content-length: ");
      b.append_uint(body_buf_.size());
      b.append(kCrlf);
    }
  } else if (up_chunked_) {
    b.append("transfer-encoding: chunked\r\n");
  } else if (parser_.flags & F_CONTENT_LENGTH) {
    b.append("content-length: ");
    b.append_uint(parser_.content_length);
    b.append(kCrlf);
  }
  b.append(kCrlf);
  if (!b.failed()) rebase_params();  // response hooks read them later
}

void ClientConnection::mirror_request(const RoutePlan& plan) {
  if (plan.mirror_percent < 100) {
    // The same low-discrepancy sequence as splits: `percent` of every run
    // of requests, without a random number generator.
    uint64_t fraction = (w_.next_request_seq() * 0x9E3779B97F4A7C15ULL) >> 32;
    if (((fraction * 100) >> 32) >= plan.mirror_percent) return;
  }
  if (upgrade_) return;  // a copy cannot follow a protocol switch
  // Only a body that is small and already here is copied: waiting for more
  // would tie the shadow to the client's pace.
  uint64_t body = (parser_.flags & F_CONTENT_LENGTH) ? parser_.content_length : 0;
  if ((parser_.flags & F_CHUNKED) || body > kMaxMirrorBody || rlen_ - head_end_ < body) {
    count_mirror_skipped_body(io_.loop);
    return;
  }
  upstream::WorkerUpstream& wu = w_.upstream_at(plan.mirror);
  uint32_t mi = wu.pick(wu.hash_key ? hash_request_key(*wu.hash_key) : 0, uv_now(io_.loop));
  if (mi == upstream::lb::kNone) return;
  core::LoopRef<upstream::EndpointPool> pool = wu.endpoints[mi];
  std::string copy;
  copy.reserve(up_head_.size() - path_len_ + body);
  copy.append(up_head_.data() + path_len_, up_head_.size() - path_len_);
  copy.append(rbuf_.data + head_end_, body);
  send_mirror(io_.loop, std::move(pool), std::move(copy), head_method_, route_->timeout_ms);
}

namespace {
// The value of `name` in a "a=1; b=2" Cookie field (RFC 6265 4.2.1).
std::string_view cookie_value(std::string_view cookies, std::string_view name) {
  while (!cookies.empty()) {
    size_t end = cookies.find(';');
    std::string_view pair = cookies.substr(0, end);
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    size_t eq = pair.find('=');
    if (eq != std::string_view::npos && pair.substr(0, eq) == name) return pair.substr(eq + 1);
    if (end == std::string_view::npos) break;
    cookies.remove_prefix(end + 1);
  }
  return {};
}

// The raw value of `name` in an "a=1&b=2" query.
std::string_view query_value(std::string_view query, std::string_view name) {
  while (!query.empty()) {
    size_t end = query.find('&');
    std::string_view pair = query.substr(0, end);
    size_t eq = pair.find('=');
    if (pair.substr(0, eq) == name) return eq == std::string_view::npos ? "" : pair.substr(eq + 1);
    if (end == std::string_view::npos) break;
    query.remove_prefix(end + 1);
  }
  return {};
}
}  // namespace

uint64_t ClientConnection::hash_request_key(const upstream::HashKey& key) const noexcept {
  using K = upstream::HashKey::Kind;
  std::string_view v;
  switch (key.kind) {
    case K::ip: v = client_ip_view(); break;
    case K::path: v = std::string_view(up_head_.data(), path_len_); break;
    case K::header:
      for (uint32_t i = 0; i < fields_.size() && v.empty(); ++i)
        if (iequals(fields_.at(i).name, key.name)) v = fields_.at(i).value;
      break;
    case K::cookie:
      for (uint32_t i = 0; i < fields_.size() && v.empty(); ++i)
        if (iequals(fields_.at(i).name, "cookie")) v = cookie_value(fields_.at(i).value, key.name);
      break;
    case K::query: v = query_value(std::string_view(rbuf_.data + query_off_, query_len_), key.name); break;
  }
  return upstream::lb::hash_key(v);
}

// Picks the endpoint for this try (another than `avoid` when the policy
// offers one within a few picks) and counts the request against it.
uint32_t ClientConnection::preferred_endpoint(upstream::WorkerUpstream& wu, uint64_t now) {
  if (!edits_changed(Context::Edits::route) || edits_->endpoint.empty()) return upstream::lb::kNone;
  const uint8_t* available = wu.view.refresh(now);
  for (uint32_t i = 0; i < wu.endpoints.size(); ++i)
    if (wu.endpoints[i]->address == edits_->endpoint)
      return !available || available[i] ? i : upstream::lb::kNone;
  return upstream::lb::kNone;
}

bool ClientConnection::pick_endpoint(const upstream::EndpointPool* avoid) {
  upstream::WorkerUpstream& wu = w_.upstream_at(upstream_index_);
  uint64_t hash = wu.hash_key ? hash_request_key(*wu.hash_key) : 0;
  uint64_t now = uv_now(io_.loop);
  uint32_t i = avoid ? upstream::lb::kNone : preferred_endpoint(wu, now);
  if (i == upstream::lb::kNone) i = wu.pick(hash, now);
  for (int n = 0; n < 3 && i != upstream::lb::kNone && wu.endpoints[i].get() == avoid &&
                  wu.endpoints.size() > 1;
       ++n)
    i = wu.pick(hash + static_cast<uint64_t>(n + 1) * 0x9e3779b97f4a7c15ULL, now);
  if (i == upstream::lb::kNone) return false;
  endpoint_ = wu.endpoints[i];
  endpoint_index_ = i;
  ++*endpoint_->active_slot;
  return true;
}

// Feeds one try's outcome to the upstream's outlier detection (shared by all
// workers). The snapshot the exchange started on still holds the state.
void ClientConnection::report_try(upstream::health::Outcome outcome) noexcept {
  if (!snap_ || upstream_index_ < 0 || endpoint_index_ == UINT32_MAX) return;
  const UpstreamSpec& spec = snap_->upstreams[static_cast<size_t>(upstream_index_)];
  if (spec.health) spec.health->report(endpoint_index_, outcome, uv_now(io_.loop));
}

// The error-rate breaker counts exchanges, not tries: called once with the
// outcome of the last try.
void ClientConnection::record_breaker(bool success) noexcept {
  if (!snap_ || upstream_index_ < 0 || breaker_recorded_ || !breaker_permit_.admitted()) return;
  const UpstreamSpec& spec = snap_->upstreams[static_cast<size_t>(upstream_index_)];
  if (!spec.breaker) return;
  breaker_recorded_ = true;
  auto t = spec.breaker->errors.record(breaker_permit_, success, uv_now(io_.loop));
  if (t != upstream::breaker::Transition::none)
    observe::log_line(LogLevel::warn,
                      "upstream " + spec.name + ": circuit breaker " +
                          (t == upstream::breaker::Transition::opened ? "opened" : "closed"));
}

// Checks the upstream's circuit breaker before the first try. False when it
// refused: the client got a 503 naming the reason.
bool ClientConnection::admit_by_breaker() {
  const UpstreamSpec& spec = snap_->upstreams[static_cast<size_t>(upstream_index_)];
  if (!spec.breaker) return true;
  auto& br = *spec.breaker;
  breaker_permit_ = br.errors.allow(uv_now(io_.loop));
  if (!breaker_permit_.admitted()) {
    if (br.fallback) answer_fallback(*br.fallback);
    else reject_with(503, "circuit breaker open", "open");
    return false;
  }
  if (!br.limits.try_acquire(upstream::breaker::Resource::requests)) {
    breaker_permit_ = {};  // not sent: nothing to record
    breaker_permit_.kind = upstream::breaker::Permit::Kind::refused;
    reject_with(503, "too many requests to the upstream",
                upstream::breaker::limit_name(upstream::breaker::Resource::requests));
    return false;
  }
  holds_request_slot_ = true;
  return true;
}

void ClientConnection::reject_with(int status, const char* message, std::string_view breaker) {
  status_ = static_cast<uint16_t>(status);
  local_error_ = true;
  log_error(status, message);
  std::string bytes;
  http::append_error_response(bytes, status, message, request_id(), local_close(), head_method_,
                              breaker);
  respond_local(std::move(bytes));
}

// Gives back what the exchange held of the breaker's limits.
void ClientConnection::release_breaker() noexcept {
  if (!snap_ || upstream_index_ < 0) return;
  const UpstreamSpec& spec = snap_->upstreams[static_cast<size_t>(upstream_index_)];
  if (!spec.breaker) return;
  release_pending_slot();
  if (holds_request_slot_) spec.breaker->limits.release(upstream::breaker::Resource::requests);
  if (holds_retry_slot_) spec.breaker->limits.release(upstream::breaker::Resource::retries);
  holds_request_slot_ = holds_retry_slot_ = false;
}

void ClientConnection::release_endpoint() noexcept {
  leave_pending();
  if (endpoint_) {
    uint32_t& active = *endpoint_->active_slot;
    if (active) --active;
    endpoint_.reset();
  }
  if (phase_ == Phase::connecting && retry_pending_) return;  // the exchange goes on
  release_breaker();
  if (in_flight_) {
    w_.end_request();
    in_flight_ = false;
  }
  if (retry_counted_) {
    w_.end_retry();
    retry_counted_ = false;
  }
}

void ClientConnection::connect_upstream() {
  // Requests already waiting for this endpoint go first.
  if (!endpoint_->pending.empty()) {
    wait_for_connection();
    return;
  }
  if (try_connect() == ConnectAttempt::at_limit) wait_for_connection();
}

// An idle pooled connection, or a new one within the pool's max_connections
// and the circuit breaker's. at_limit: none may be opened now.
ClientConnection::ConnectAttempt ClientConnection::try_connect() {
  if (!retried_) up_ = upstream::UpstreamConnection::take_idle(*endpoint_, this);
  if (up_) {
    release_pending_slot();  // held while the request waited
    send_request_head();
    return ConnectAttempt::started;
  }
  if (endpoint_->open_count >= endpoint_->options.max_connections) return ConnectAttempt::at_limit;
  // A new connection counts against the circuit breaker's max_connections
  // for its whole life, and this request against max_pending until it is up.
  std::shared_ptr<upstream::breaker::CircuitBreaker> br =
      snap_->upstreams[static_cast<size_t>(upstream_index_)].breaker;
  if (br) {
    using upstream::breaker::Resource;
    if (!holds_pending_slot_) {
      if (!br->limits.try_acquire(Resource::pending)) {
        breaker_refused(Resource::pending);
        return ConnectAttempt::refused;
      }
      holds_pending_slot_ = true;
    }
    if (!br->limits.try_acquire(Resource::connections)) return ConnectAttempt::at_limit;
  }
  up_ = upstream::UpstreamConnection::connect(io_, endpoint_, this);
  if (br) up_->hold_connection_slot(std::move(br));
  return ConnectAttempt::started;
}

void ClientConnection::breaker_refused(upstream::breaker::Resource r) {
  refuse_upstream("upstream circuit breaker limit reached", upstream::breaker::limit_name(r));
}

void ClientConnection::release_pending_slot() noexcept {
  if (!holds_pending_slot_) return;
  holds_pending_slot_ = false;
  const UpstreamSpec& spec = snap_->upstreams[static_cast<size_t>(upstream_index_)];
  if (spec.breaker) spec.breaker->limits.release(upstream::breaker::Resource::pending);
}

void ClientConnection::on_upstream_connected() {
  release_pending_slot();
  send_request_head();
  pump();
}

void ClientConnection::send_request_head() {
  phase_ = Phase::upstream;
  up_->expect_response(head_method_, try_timeout_ms());
  io_.up.add(up_head_.data() + path_len_, up_head_.size() - path_len_);
  if (body_buffered_) {
    // Whole in memory (body hooks): every try sends all of it.
    if (!body_buf_.empty()) {
      if (io_.up.full()) flush_up();
      io_.up.add(body_buf_.data(), body_buf_.size());
    }
  } else if (!body_sent_) {
    replay_.start(replay_limit());
  } else if (replay_.whole() && !replay_.bytes().empty()) {
    // A retry: the body read so far goes again; the rest streams after it.
    std::string_view kept = replay_.bytes();
    add_payload(io_.up, kept.data(), kept.size(), up_chunked_);
  }
  bool has_body = (parser_.flags & F_CHUNKED) || parser_.content_length > 0;
  if (has_body && expect_continue_ && parser_.http_minor == 1 && !body_sent_ && !response_started_) {
    uv_buf_t b = uv_buf_init(const_cast<char*>(k100Continue), sizeof k100Continue - 1);
    if (out_.send(&b, 1) < 0) {
      close();
      return;
    }
  }
  if (request_done_) {
    // A retry after the whole request was read: a pipelined request that
    // follows in the buffer waits for this response.
    finish_request_body();
    return;
  }
  parse_paused_ = false;
  kick_ = true;  // let llhttp run on to the body or the end of the message
}

void ClientConnection::add_body(const char* data, size_t len) {
  if (io_.up.full()) flush_up();
  add_payload(io_.up, data, len, up_chunked_);
  replay_.keep(data, len);
  body_sent_ = true;
}

void ClientConnection::finish_request_body() {
  if (phase_ != Phase::upstream) return;  // sent with the head once connected
  if (up_chunked_) {
    if (io_.up.full()) flush_up();
    io_.up.add(kLastChunk, sizeof kLastChunk - 1);
  }
}

void ClientConnection::flush_up() {
  IovBatch& bt = io_.up;
  if (bt.n == 0) return;
  if (up_ && up_->out().send(bt.iov, bt.n) < 0) {
    bt.clear();
    upstream::UpstreamConnection* u = up_;
    up_ = nullptr;
    u->abort();
    upstream_failed(502, "upstream connection closed");
    return;
  }
  bt.clear();
}

void ClientConnection::flush_down() {
  IovBatch& bt = io_.down;
  if (bt.n == 0) return;
  int r = out_.send(bt.iov, bt.n);
  bt.clear();
  if (r < 0) close();
}

void ClientConnection::upstream_failed(int status, const char* message,
                                       std::string_view breaker_reason) {
  if (response_paused_) {  // its head never went out: the client gets this error
    drop_pause();
    response_paused_ = false;
  }
  if (up_) {
    up_->abort();
    up_ = nullptr;
  }
  if (response_started_) {  // the client already has part of a response
    log_error(status, message);
    close();
    return;
  }
  if (!request_done_) {
    reject(status, message);
    return;
  }
  status_ = static_cast<uint16_t>(status);
  log_error(status, message);
  std::string bytes;
  http::append_error_response(bytes, status, message, request_id(), close_after_, head_method_,
                              breaker_reason);
  send_local(std::move(bytes), false);
  response_done_ = true;
  end_exchange();
  if (phase_ == Phase::idle) pump();
}

void ClientConnection::on_upstream_error(upstream::UpstreamError e, bool before_response) {
  release_pending_slot();
  bool was_reused = up_ && up_->reused();
  up_ = nullptr;  // the connection closed itself
  io_.up.clear();
  if (phase_ == Phase::closing) return;
  // A pooled connection the upstream had closed: one fresh try, when
  // repeating the request cannot change anything (RFC 9110 9.2.2).
  if (e == upstream::UpstreamError::reset && before_response && was_reused && !retried_ &&
      (!body_sent_ || replay_.whole()) && http::idempotent_method(parser_.method)) {
    retried_ = true;
    phase_ = Phase::connecting;
    connect_upstream();
    return;
  }
  report_try(upstream::health::outcome_of(e));
  RetryCause cause = RetryCause::bad_response;
  switch (e) {
    case upstream::UpstreamError::connect_failed:
    case upstream::UpstreamError::connect_timeout: cause = RetryCause::connect_failure; break;
    case upstream::UpstreamError::reset: cause = RetryCause::reset; break;
    case upstream::UpstreamError::response_timeout: cause = RetryCause::timeout; break;
    case upstream::UpstreamError::bad_response: cause = RetryCause::bad_response; break;
  }
  if (before_response || cause != RetryCause::reset) {
    if (may_retry(cause, 0)) {
      schedule_retry();
      return;
    }
  }
  record_breaker(false);
  int status = 502;
  if (e == upstream::UpstreamError::connect_timeout) status = 503;
  if (e == upstream::UpstreamError::response_timeout) status = 504;
  upstream_failed(status, upstream::upstream_error_text(e));
}

void ClientConnection::on_response_head(const upstream::ResponseHead& h) {
  report_try(upstream::health::Outcome::response(static_cast<uint16_t>(h.status)));
  if (h.status >= 500 && route_->retry.attempts && may_retry(RetryCause::status, h.status)) {
    // This answer is dropped unseen and the request tried again elsewhere;
    // the connection cannot be reused without reading the body it announced.
    upstream::UpstreamConnection* u = up_;
    up_ = nullptr;
    u->abort();
    schedule_retry();
    return;
  }
  record_breaker(h.status < 500);
  status_ = static_cast<uint16_t>(h.status);
  if (log_armed_) head_ns_ = uv_hrtime();
  // The hooks run first: a header they set or remove replaces the upstream's.
  // One may pause: the upstream connection stops until it resumes.
  if (edits_ && !run_response_hooks(static_cast<uint16_t>(h.status), !h.upgrade)) {
    paused_head_ = h;
    held_body_.clear();
    held_complete_ = false;
    if (up_) up_->pause();
    return;
  }
  emit_response_head(h);
}

void ClientConnection::emit_response_head(const upstream::ResponseHead& h) {
  response_started_ = true;
  const http::HeadFields& f = *h.fields;
  bool has_connection = false;
  for (uint32_t i = 0; i < f.size(); ++i)
    if (f.kind(i) == http::HeaderKind::connection) has_connection = true;
  bool upgrading = h.upgrade && upgrade_;
  HeadBuffer& b = down_head_;
  b.clear();
  b.append("HTTP/1.1 ");
  b.append_uint(static_cast<uint64_t>(h.status));
  b.append(' ');
  b.append(h.reason.empty() ? http::reason_phrase(h.status) : h.reason);
  b.append(kCrlf);
  for (uint32_t i = 0; i < f.size(); ++i) {
    const Header& hd = f.at(i);
    switch (f.kind(i)) {
      case http::HeaderKind::other:
      case http::HeaderKind::user_agent:
      case http::HeaderKind::x_forwarded_for:
      case http::HeaderKind::x_forwarded_proto:
      case http::HeaderKind::x_forwarded_host:
      case http::HeaderKind::host:
      case http::HeaderKind::expect:
        if (has_connection && named_by_connection(f, hd.name)) continue;
        if (edits_ && response_removed(hd.name)) continue;
        put_field(b, hd.name, hd.value);
        continue;
      case http::HeaderKind::via:
        if (!snap_->via) put_field(b, hd.name, hd.value);
        continue;
      case http::HeaderKind::upgrade:
        if (upgrading) put_field(b, hd.name, hd.value);
        continue;
      case http::HeaderKind::content_length:
        // HEAD and 304 carry the length of the representation, not of a body.
        if (head_method_ || h.status == 304) put_field(b, hd.name, hd.value);
        continue;
      default:
        continue;
    }
  }
  if (snap_->via) b.append("via: 1.1 weir\r\n");
  if (edits_changed(Context::Edits::response_headers)) {
    for (const FieldList* l : {&edits_->response_set, &edits_->response_add})
      for (const auto& [name, value] : *l)
        if (http::is_safe_field(name, value)) put_field(b, name, value);
  }
  if (upgrading) {
    b.append("connection: upgrade\r\n");
    raw_pending_ = true;
  } else {
    if (upgrade_) close_after_ = true;  // refused upgrade: the client may have sent more
    bool bodyless = head_method_ || has_no_body(h.status);
    if (!bodyless) {
      if (h.has_length && !h.chunked) {
        b.append("content-length: ");
        b.append_uint(h.length);
        b.append(kCrlf);
      } else if (parser_.http_minor >= 1) {
        b.append("transfer-encoding: chunked\r\n");
        down_chunked_ = true;
      } else {
        down_eof_framed_ = true;
        close_after_ = true;
      }
    }
    if (!h.keep_alive && !request_done_) close_after_ = true;
    if (close_after_ || w_.draining()) b.append("connection: close\r\n");
  }
  b.append(kCrlf);
  if (b.failed()) {
    close();
    return;
  }
  io_.down.add(b.data(), b.size());
  bytes_out_ += b.size();
}

bool ClientConnection::on_response_body(const char* data, size_t len) {
  if (response_paused_) {  // the rest of the current read; then the upstream stops
    held_body_.append(data, len);
    return true;
  }
  bytes_out_ += len;
  if (chain_hooks_ & MiddlewareChains::response_chunk) run_chunk_hooks(false, {data, len}, false);
  if (io_.down.full()) flush_down();
  add_payload(io_.down, data, len, down_chunked_);
  if (out_.pending() > kHighWater) {
    flush_down();
    return true;
  }
  return false;
}

void ClientConnection::on_response_complete() {
  if (response_paused_) {
    held_complete_ = true;
    return;
  }
  if (chain_hooks_ & MiddlewareChains::response_chunk) run_chunk_hooks(false, {}, true);
  if (down_chunked_) {
    if (io_.down.full()) flush_down();
    io_.down.add(kLastChunk, sizeof kLastChunk - 1);
  }
  flush_down();
  if (phase_ == Phase::closing) return;
  response_done_ = true;
  if (!request_done_) close_after_ = true;  // the upstream answered before the body ended
  end_exchange();
  if (phase_ == Phase::idle) pump();
}

void ClientConnection::on_upstream_batch_end() {
  flush_down();
  if (raw_pending_ && phase_ != Phase::closing) {
    raw_pending_ = false;
    phase_ = Phase::raw;
    // A spliced connection with no traffic either way ends after the idle
    // timeout, as an idle keep-alive connection does.
    arm_timer(w_.snapshot()->limits.idle_timeout_ms, false);
    // Bytes the client sent after its upgrade request go through unparsed.
    if (rpos_ < rlen_ && up_) {
      uv_buf_t b = uv_buf_init(rbuf_.data + rpos_, rlen_ - rpos_);
      if (up_->out().send(&b, 1) < 0) {
        close();
        return;
      }
    }
    rlen_ = rpos_ = 0;
    if (client_eof_) {  // the client already finished sending: end both sides
      close_after_flush();
      return;
    }
    resume_reading();
  }
}

void ClientConnection::on_upstream_raw(const char* data, size_t len) {
  timer_.set(w_.snapshot()->limits.idle_timeout_ms);
  uv_buf_t b = uv_buf_init(const_cast<char*>(data), static_cast<unsigned>(len));
  if (out_.send(&b, 1) < 0) {
    close();
    return;
  }
  if (out_.pending() > kHighWater && up_) up_->pause();
}

void ClientConnection::on_upstream_eof() {
  up_ = nullptr;
  close_after_flush();
}

void ClientConnection::on_upstream_drain() {
  if (phase_ == Phase::raw) {
    resume_reading();
    return;
  }
  if (phase_ == Phase::upstream && parse_paused_ && !request_done_) {
    parse_paused_ = false;
    pump();
  }
}

void ClientConnection::run_handler() {
  Request req = request_view();
  Response res;
  try {
    route_->target.handler(req, res);
  } catch (...) {
    // Host code must not take the worker down: its failure is a 500.
    res = Response{};
    res.status = 500;
    res.body = "{\"error\":\"handler failed\"}\n";
  }
  if (edits_) {
    run_response_hooks(res.status);
    std::erase_if(res.headers, [this](const auto& kv) { return response_removed(kv.first); });
    add_set_headers(res);
  }
  status_ = res.status;
  std::string bytes;
  http::append_response(bytes, res, close_after_, head_method_);
  response_done_ = true;
  send_local(std::move(bytes), false);
}

}  // namespace weir::core

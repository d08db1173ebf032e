// The middleware pipeline's cost per exchange, outside the network: the
// gateway's own part (edits from the worker's pool, a Context per phase)
// with 0..8 empty middleware, and each built-in middleware's three hooks on
// a realistic request. Reports ns and heap allocations per exchange.
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "alloc_counter.hpp"
#include "core/edits_pool.hpp"
#include "middleware/builtin/jwt/algorithm.hpp"
#include "test_keys.hpp"
#include "weir/middleware.hpp"

namespace weir::bench {
namespace {

struct Exchange {
  std::vector<Header> headers;
  Request req;
  std::string token;

  explicit Exchange(std::string bearer) : token(std::move(bearer)) {
    headers = {{"host", "api.example.com"},
               {"user-agent", "bench/1.0"},
               {"accept", "application/json"},
               {"authorization", token},
               {"x-user", "alice"}};
    req.method = "GET";
    req.target = "/api/users/42?x=1";
    req.path = "/api/users/42";
    req.query = "x=1";
    req.host = "api.example.com";
    req.user_agent = "bench/1.0";
    req.headers = headers;
    req.client_ip = "127.0.0.1";
    req.route = "users";
  }
};

// What the gateway does per exchange for a chain: take edits, run the
// request hooks, the response hooks in reverse, the log hooks; give back.
void run_exchange(core::EditsPool& pool, const std::vector<Middleware>& chain, const Request& req,
                  const ExchangeInfo& info) {
  Context::Edits* e = pool.take();
  Context rq(&req, e);
  for (const Middleware& m : chain)
    if (m.on_request) m.on_request(rq);
  Context rs(&req, e, 200, Context::Phase::response);
  for (auto it = chain.rbegin(); it != chain.rend(); ++it)
    if (it->on_response) it->on_response(rs);
  Context lg(&req, e, 200, Context::Phase::log, &info);
  for (const Middleware& m : chain)
    if (m.on_log) m.on_log(lg);
  pool.give(e);
}

void exchange_loop(benchmark::State& state, const std::vector<Middleware>& chain,
                   const std::string& bearer) {
  core::EditsPool pool;
  Exchange x(bearer);
  ExchangeInfo info;
  info.status = 200;
  info.bytes_out = 512;
  info.duration_us = 180;
  info.upstream = "127.0.0.1:9001";
  run_exchange(pool, chain, x.req, info);  // warm: pool, caches
  size_t before = allocation_count();
  for (auto _ : state) run_exchange(pool, chain, x.req, info);
  state.counters["allocs/op"] = benchmark::Counter(
      static_cast<double>(allocation_count() - before) / static_cast<double>(state.iterations()));
}

void BM_EmptyMiddleware(benchmark::State& state) {
  std::vector<Middleware> chain;
  for (int64_t i = 0; i < state.range(0); ++i) {
    Middleware m;
    m.on_request = [](Context&) {};
    m.on_response = [](Context&) {};
    m.on_log = [](Context&) {};
    chain.push_back(std::move(m));
  }
  exchange_loop(state, chain, "Bearer x");
}
BENCHMARK(BM_EmptyMiddleware)->Name("pipeline/empty_middleware")->Arg(0)->Arg(1)->Arg(2)->Arg(8);

std::string hs256_bearer() {
  auto& k = jwt::test::keys();
  int64_t exp = std::chrono::duration_cast<std::chrono::seconds>(
                    std::chrono::system_clock::now().time_since_epoch()).count() + 86400;
  return "Bearer " + jwt::test::sign(k.random, jwt::Algorithm::HS256, R"({"alg":"HS256","typ":"JWT"})",
                                     R"({"sub":"bench","exp":)" + std::to_string(exp) + "}",
                                     nullptr, k.secret);
}

Middleware built(const char* type, const std::string& json) {
  MiddlewareResult r = make_middleware(type, json);
  if (!r) {
    std::fprintf(stderr, "pipeline_bench: %s: %s\n", type, r.error.c_str());
    std::abort();
  }
  return std::move(r.middleware);
}

std::string secret_json() {
  std::string s = jwt::test::keys().secret;
  return "\"" + s + "\"";
}

void BM_Builtin(benchmark::State& state, const char* type, std::string json) {
  std::vector<Middleware> chain;
  const std::string jwt_json = R"({"type":"jwt","algorithms":["HS256"],"secret":)" + secret_json() + "}";
  if (std::string_view(type) == "jwt+rate_limit+access_log") {
    chain.push_back(built("jwt", jwt_json));
    chain.push_back(built("rate_limit", R"({"type":"rate_limit","key":"claim:sub","rate_per_s":1e9,"burst":4000000000})"));
    chain.push_back(built("access_log", R"({"type":"access_log","path":"/dev/null"})"));
  } else {
    chain.push_back(built(type, json.empty() ? jwt_json : json));
  }
  exchange_loop(state, chain, hs256_bearer());
}

const std::string kRate = R"({"type":"rate_limit","key":"ip","rate_per_s":1e9,"burst":4000000000})";

BENCHMARK_CAPTURE(BM_Builtin, request_id, "request_id", R"({"type":"request_id"})")
    ->Name("builtin/request_id");
BENCHMARK_CAPTURE(BM_Builtin, headers, "headers",
                  R"({"type":"headers","request":{"set":{"x-route":"{route}"}},"response":{"set":{"x-served-by":"weir"}}})")
    ->Name("builtin/headers");
BENCHMARK_CAPTURE(BM_Builtin, cors, "cors", R"({"type":"cors","allow_origins":["https://a.example"]})")
    ->Name("builtin/cors");
BENCHMARK_CAPTURE(BM_Builtin, rate_limit, "rate_limit", kRate)->Name("builtin/rate_limit");
BENCHMARK_CAPTURE(BM_Builtin, access_log, "access_log", R"({"type":"access_log","path":"/dev/null"})")
    ->Name("builtin/access_log");
BENCHMARK_CAPTURE(BM_Builtin, trace, "trace", R"({"type":"trace","sample_ratio":1})")
    ->Name("builtin/trace");
BENCHMARK_CAPTURE(BM_Builtin, jwt, "jwt", "")->Name("builtin/jwt_cached");
BENCHMARK_CAPTURE(BM_Builtin, three, "jwt+rate_limit+access_log", "")
    ->Name("builtin/jwt+rate_limit+access_log");

}  // namespace
}  // namespace weir::bench
BENCHMARK_MAIN();

// Middleware instances of a snapshot: built from the config by their
// factories each time a snapshot is built (start, reload), so a reload picks
// up changed options and files (JWT keys, access log paths).
#include <algorithm>

#include "config/key_path.hpp"
#include "config/parse_middleware.hpp"
#include "core/snapshot.hpp"

namespace weir::core {

namespace {

bool has_hooks(const std::vector<Middleware>& chain, bool* log) {
  bool any = false;
  for (const Middleware& m : chain) {
    any = any || m.on_request || m.on_response || m.on_log || m.on_request_body ||
          m.on_request_chunk || m.on_response_chunk;
    *log = *log || static_cast<bool>(m.on_log);
  }
  return any;
}

MiddlewareChains::ChainInfo chain_info(const std::vector<Middleware>& chain) {
  MiddlewareChains::ChainInfo info;
  for (const Middleware& m : chain) {
    if (m.on_request_body) {
      info.request_body_max = info.hooks & MiddlewareChains::request_body
                                  ? std::min(info.request_body_max, m.request_body_max)
                                  : m.request_body_max;
      info.hooks |= MiddlewareChains::request_body;
    }
    if (m.on_request_chunk) info.hooks |= MiddlewareChains::request_chunk;
    if (m.on_response_chunk) info.hooks |= MiddlewareChains::response_chunk;
    if (m.on_response) info.hooks |= MiddlewareChains::response;
  }
  return info;
}

}  // namespace

Status build_middleware_chains(const SnapshotParts& parts, Snapshot& snap) {
  std::vector<Middleware> global = parts.pipeline.chain();
  for (size_t i = 0; i < parts.middleware.size(); ++i) {
    const MiddlewareConfig& mc = parts.middleware[i];
    std::string path = config::index_path("middleware", i);
    if (!mc.disable.empty())
      return {Status::config, path + ".disable: only a route's list disables"};
    MiddlewareResult r = config::build_middleware(mc, path);
    if (!r) return {Status::config, r.error};
    global.push_back(std::move(r.middleware));
  }
  MiddlewareChains& out = snap.pipeline;
  out.chains.clear();
  for (size_t k = 0; k < snap.routes->size(); ++k) {
    const Route& route = snap.routes->at(k);
    std::vector<Middleware> chain;
    auto it = parts.route_middleware.find(route.name);
    const std::vector<MiddlewareConfig>* own = it == parts.route_middleware.end() ? nullptr : &it->second;
    std::vector<std::string> disabled;
    if (own)
      for (const auto& mc : *own) disabled.insert(disabled.end(), mc.disable.begin(), mc.disable.end());
    for (const Middleware& m : global) {
      bool off = false;
      for (const auto& d : disabled) off = off || d == m.name;
      if (!off) chain.push_back(m);
    }
    if (own) {
      for (size_t i = 0; i < own->size(); ++i) {
        const MiddlewareConfig& mc = (*own)[i];
        if (!mc.disable.empty()) continue;
        std::string path = "route \"" + route.name + "\": " + config::index_path("middleware", i);
        MiddlewareResult r = config::build_middleware(mc, path);
        if (!r) return {Status::config, r.error};
        chain.push_back(std::move(r.middleware));
      }
    }
    out.chains.push_back(std::move(chain));
  }
  out.chains.push_back(std::move(global));
  out.any = false;
  out.any_log = false;
  out.info.clear();
  for (const auto& chain : out.chains) {
    out.any = has_hooks(chain, &out.any_log) || out.any;
    out.info.push_back(chain_info(chain));
  }
  return {};
}

}  // namespace weir::core

#include "config/parse_middleware.hpp"

#include "config/key_path.hpp"

namespace weir::config {

namespace {

constexpr size_t kMaxNameBytes = 64;

std::string read_entry(const picojson::value& v, const std::string& path, MiddlewareConfig& out) {
  if (!v.is<picojson::object>()) return path_error(path, "expected an object");
  const picojson::object& o = v.get<picojson::object>();
  if (o.count("disable")) {
    ObjectReader r(v, path, {"disable"});
    if (const picojson::array* a = read_array(r, "disable")) {
      std::string base = r.path_of("disable");
      for (size_t i = 0; i < a->size() && r.ok(); ++i) {
        if (!(*a)[i].is<std::string>() || (*a)[i].get<std::string>().empty())
          r.adopt(path_error(index_path(base, i), "expected a middleware name"));
        else
          out.disable.push_back((*a)[i].get<std::string>());
      }
    }
    return r.error();
  }
  // The other keys are the type's options, checked by its factory.
  auto type = o.find("type");
  if (type == o.end()) return path_error(member_path(path, "type"), "required");
  if (!type->second.is<std::string>() || type->second.get<std::string>().empty())
    return path_error(member_path(path, "type"), "expected a non-empty string");
  out.type = type->second.get<std::string>();
  out.name = out.type;
  if (auto name = o.find("name"); name != o.end()) {
    if (!name->second.is<std::string>() || name->second.get<std::string>().empty() ||
        name->second.get<std::string>().size() > kMaxNameBytes)
      return path_error(member_path(path, "name"), "expected a string of 1..64 bytes");
    out.name = name->second.get<std::string>();
  }
  out.options_json = v.serialize();
  return "";
}

// "routes[0].middleware[1]" + "rate_per_s: ..." -> "routes[0].middleware[1].rate_per_s: ...";
// an error about the entry itself ("(root): ...") takes the entry's path.
std::string with_path(const std::string& path, const std::string& error) {
  static constexpr std::string_view kRoot = "(root): ";
  if (error.starts_with(kRoot)) return path + ": " + error.substr(kRoot.size());
  if (error.starts_with("(entry): ")) return path + ": " + error.substr(9);
  if (error.starts_with("[")) return path + error;
  return path + "." + error;
}

}  // namespace

void read_middleware(ObjectReader& r, std::string_view key, std::vector<MiddlewareConfig>& out) {
  const picojson::array* a = read_array(r, key);
  if (a == nullptr) return;
  std::string base = r.path_of(key);
  for (size_t i = 0; i < a->size() && r.ok(); ++i) {
    MiddlewareConfig mc;
    r.adopt(read_entry((*a)[i], index_path(base, i), mc));
    out.push_back(std::move(mc));
  }
}

MiddlewareResult build_middleware(const MiddlewareConfig& mc, const std::string& path) {
  MiddlewareResult res = make_middleware(mc.type, mc.options_json);
  if (!res) {
    res.error = with_path(path, res.error);
    return res;
  }
  res.middleware.name = mc.name.empty() ? mc.type : mc.name;
  return res;
}

std::string validate_middleware(const GatewayConfig& cfg) {
  for (size_t i = 0; i < cfg.middleware.size(); ++i) {
    const MiddlewareConfig& mc = cfg.middleware[i];
    std::string path = index_path("middleware", i);
    if (!mc.disable.empty()) return path_error(member_path(path, "disable"), "only a route's list disables");
    if (MiddlewareResult r = build_middleware(mc, path); !r) return r.error;
  }
  for (size_t k = 0; k < cfg.routes.size(); ++k) {
    const RouteConfig& rc = cfg.routes[k];
    for (size_t i = 0; i < rc.middleware.size(); ++i) {
      const MiddlewareConfig& mc = rc.middleware[i];
      std::string path = index_path(member_path(index_path("routes", k), "middleware"), i);
      for (size_t d = 0; d < mc.disable.size(); ++d) {
        bool known = false;
        for (const auto& g : cfg.middleware) known = known || g.name == mc.disable[d];
        if (!known)
          return path_error(index_path(member_path(path, "disable"), d),
                            "no global middleware named " + quoted(mc.disable[d]));
      }
      if (!mc.disable.empty()) continue;
      if (MiddlewareResult r = build_middleware(mc, path); !r) return r.error;
    }
  }
  return "";
}

}  // namespace weir::config

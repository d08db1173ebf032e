// The radix tree against a plain linear matcher written from the precedence
// rules in docs/routing.md, on generated routes and requests.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "route_fixture.hpp"

namespace weir::test {
namespace {

// ---- the reference -------------------------------------------------------

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string request_host_name(std::string_view host) {
  if (!host.empty() && host[0] == '[') return lower(host.substr(0, host.find(']') + 1));
  host = host.substr(0, host.find(':'));
  if (host.size() > 1 && host.back() == '.') host.remove_suffix(1);
  return lower(host);
}

// 0 static, 1 param, 2 catch-all, per segment; false when `path` is not
// matched. Captures go to `values` in order.
bool match_pattern(std::string_view pat, std::string_view path, std::vector<int>* kinds,
                   std::vector<std::string_view>* values) {
  size_t i = 0, j = 0;
  kinds->clear();
  values->clear();
  int kind = 0;
  while (i < pat.size()) {
    bool seg_start = i > 0 && pat[i - 1] == '/';
    if (seg_start && pat[i] == ':') {
      size_t pend = pat.find('/', i);
      if (pend == std::string_view::npos) pend = pat.size();
      size_t vend = path.find('/', j);
      if (vend == std::string_view::npos) vend = path.size();
      if (j >= path.size() || vend == j) return false;
      values->push_back(path.substr(j, vend - j));
      kind = 1;
      i = pend;
      j = vend;
      continue;
    }
    if (seg_start && pat[i] == '*') {
      values->push_back(path.substr(std::min(j, path.size())));
      kinds->push_back(2);
      return true;
    }
    if (j >= path.size() || pat[i] != path[j]) return false;
    if (pat[i] == '/' && i > 0) {
      kinds->push_back(kind);
      kind = 0;
    }
    ++i;
    ++j;
  }
  if (j != path.size()) return false;
  kinds->push_back(kind);
  return true;
}

bool holds(const Route& r, const MatchInput& in) {
  if (!r.methods.empty() && std::find(r.methods.begin(), r.methods.end(), in.method) == r.methods.end()) {
    return false;
  }
  for (const auto& [name, value] : r.headers) {
    bool ok = false;
    for (const Header& h : in.headers) ok = ok || (lower(h.name) == lower(name) && h.value == value);
    if (!ok) return false;
  }
  return true;
}

struct Candidate {
  size_t index;
  bool prefix;
  std::vector<int> kinds;
  size_t prefix_len;
  size_t predicates;
  std::vector<std::string_view> values;
};

bool better(const Candidate& a, const Candidate& b) {
  if (a.prefix != b.prefix) return !a.prefix;
  if (!a.prefix && a.kinds != b.kinds) return a.kinds < b.kinds;
  if (a.prefix && a.prefix_len != b.prefix_len) return a.prefix_len > b.prefix_len;
  if (a.predicates != b.predicates) return a.predicates > b.predicates;
  return a.index < b.index;
}

// Route index and captured (name, value) pairs, or -1.
long reference_match(const std::vector<Route>& routes, const MatchInput& in,
                     std::vector<std::pair<std::string, std::string_view>>* params) {
  std::string name = request_host_name(in.host);
  // Host groups in order: the exact name, covering wildcards longest first,
  // then routes for any host.
  std::vector<std::string> groups;
  if (!name.empty()) groups.push_back("=" + name);
  std::vector<std::string> wild;
  for (const Route& r : routes) {
    std::string h = lower(r.host);
    if (h.size() > 2 && h[0] == '*') {
      std::string suffix = h.substr(1);
      if (name.size() > suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0 &&
          std::find(wild.begin(), wild.end(), suffix) == wild.end()) {
        wild.push_back(suffix);
      }
    }
  }
  std::sort(wild.begin(), wild.end(), [](const auto& a, const auto& b) { return a.size() > b.size(); });
  for (const std::string& w : wild) groups.push_back("*" + w);
  groups.push_back("");

  for (const std::string& g : groups) {
    bool found = false;
    Candidate best;
    for (size_t i = 0; i < routes.size(); ++i) {
      const Route& r = routes[i];
      std::string h = lower(r.host);
      std::string group = h.empty() || h == "*" ? "" : (h[0] == '*' ? "*" + h.substr(1) : "=" + h);
      if (group != g || !holds(r, in)) continue;
      Candidate c{i, r.path.empty(), {}, 0, (r.methods.empty() ? 0u : 1u) + r.headers.size(), {}};
      if (c.prefix) {
        std::string_view p = r.prefix == "/" ? std::string_view() : std::string_view(r.prefix);
        if (in.path.substr(0, p.size()) != p) continue;
        c.prefix_len = p.size();
      } else if (!match_pattern(r.path, in.path, &c.kinds, &c.values)) {
        continue;
      }
      if (!found || better(c, best)) best = c;
      found = true;
    }
    if (found) {
      params->clear();
      const Route& r = routes[best.index];
      size_t k = 0;
      for (size_t i = 0; i + 1 < r.path.size() || (i < r.path.size()); ++i) {
        if (i > 0 && r.path[i - 1] == '/' && (r.path[i] == ':' || r.path[i] == '*')) {
          size_t end = r.path.find('/', i);
          if (end == std::string::npos) end = r.path.size();
          params->emplace_back(r.path.substr(i + 1, end - i - 1), best.values[k++]);
        }
      }
      return static_cast<long>(best.index);
    }
  }
  return -1;
}

// ---- the generator -------------------------------------------------------

const char* const kWords[] = {"a", "b", "ab", "abc", "users", "user", "u", "new", "newer", "v1", "v2", "x:y"};
const char* const kRouteHosts[] = {"", "", "", "api.example.com", "*.example.com", "*.eu.example.com", "Other.org"};
const char* const kRequestHosts[] = {"",           "api.example.com", "API.EXAMPLE.COM:8080", "a.example.com",
                                     "b.eu.example.com", "example.com", "other.org",         "nobody.net"};

struct Generator {
  std::mt19937 rng;
  explicit Generator(uint32_t seed) : rng(seed) {}
  size_t pick(size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng); }
  bool chance(int percent) { return static_cast<int>(pick(100)) < percent; }

  Route route(size_t id) {
    Route r;
    r.name = "r" + std::to_string(id);
    r.host = kRouteHosts[pick(std::size(kRouteHosts))];
    size_t segments = 1 + pick(4);
    std::string path;
    int params = 0;
    for (size_t s = 0; s < segments; ++s) {
      path += "/";
      int roll = static_cast<int>(pick(100));
      if (roll < 20) {
        path += ":p" + std::to_string(params++);
      } else if (roll < 27 && s + 1 == segments) {
        path += "*rest";
      } else if (roll < 30 && s + 1 == segments) {
        // trailing slash (an empty segment elsewhere is not in normal form)
      } else {
        path += kWords[pick(std::size(kWords))];
      }
    }
    if (chance(15)) {
      // Prefixes are literal and may stop inside a segment.
      r.prefix = path.substr(0, 1 + pick(path.size()));
      if (r.prefix.find_first_of(":*") != std::string::npos) r.prefix = "/" + std::string(kWords[pick(3)]);
    } else {
      r.path = path;
    }
    int m = static_cast<int>(pick(6));
    if (m == 1) r.methods = {"GET"};
    if (m == 2) r.methods = {"POST"};
    if (m == 3) r.methods = {"GET", "POST"};
    if (m == 4) r.methods = {"PURGE", "GET"};
    if (chance(15)) r.headers = {{"X-Flag", chance(50) ? "1" : "2"}};
    return r;
  }

  std::string path_from(const std::vector<Route>& routes) {
    // Half the paths come from a route (its params and catch-all filled in,
    // sometimes mangled at the end), half are random.
    std::string out;
    if (chance(50) && !routes.empty()) {
      const Route& r = routes[pick(routes.size())];
      std::string_view p = r.path.empty() ? std::string_view(r.prefix) : std::string_view(r.path);
      for (size_t i = 0; i < p.size(); ++i) {
        if (i > 0 && p[i - 1] == '/' && (p[i] == ':' || p[i] == '*')) {
          out += kWords[pick(std::size(kWords))];
          if (p[i] == '*' && chance(50)) out += "/" + std::string(kWords[pick(std::size(kWords))]);
          while (i < p.size() && p[i] != '/') ++i;
          --i;
        } else {
          out += p[i];
        }
      }
      if (chance(20)) out += kWords[pick(std::size(kWords))];
      if (chance(10)) out += "/";
      if (out.empty()) out = "/";
      return out;
    }
    size_t segments = pick(5);
    for (size_t s = 0; s < segments; ++s) out += "/" + std::string(chance(10) ? "" : kWords[pick(std::size(kWords))]);
    return out.empty() ? "/" : out;
  }
};

std::string conflict_key(const Route& r) {
  std::string key = lower(r.host) == "*" ? "" : lower(r.host);
  key += '|';
  if (r.path.empty()) {
    key += "prefix " + (r.prefix == "/" ? std::string() : r.prefix);
  } else {
    for (size_t i = 0; i < r.path.size(); ++i) {
      key += r.path[i];
      if (i > 0 && r.path[i - 1] == '/' && (r.path[i] == ':' || r.path[i] == '*')) {
        while (i + 1 < r.path.size() && r.path[i + 1] != '/') ++i;
      }
    }
  }
  std::vector<std::string> m = r.methods;
  std::sort(m.begin(), m.end());
  for (const auto& s : m) key += "|" + s;
  for (const auto& [n, v] : r.headers) key += "|" + lower(n) + "=" + v;
  return key;
}

void run_round(uint32_t seed, size_t route_count, size_t lookups) {
  Generator gen(seed);
  std::vector<Route> routes;
  std::set<std::string> keys;
  Router router;
  for (size_t i = 0; routes.size() < route_count && i < route_count * 4; ++i) {
    Route r = gen.route(i);
    if (!keys.insert(conflict_key(r)).second) continue;
    routes.push_back(r);
    router.add(r);
  }
  auto table = build_ok(router);
  ASSERT_NE(table, nullptr);

  const char* const methods[] = {"GET", "POST", "PUT", "PURGE"};
  size_t hits = 0;
  for (size_t n = 0; n < lookups; ++n) {
    std::string path = gen.path_from(routes);
    std::vector<Header> headers;
    if (gen.chance(30)) headers.push_back({"x-flag", gen.chance(50) ? "1" : "2"});
    MatchInput in;
    in.method = methods[gen.pick(std::size(methods))];
    in.host = kRequestHosts[gen.pick(std::size(kRequestHosts))];
    in.path = path;
    in.headers = headers;

    std::vector<std::pair<std::string, std::string_view>> want;
    long want_index = reference_match(routes, in, &want);
    Params got;
    const Route* r = table->match(in, got);
    long got_index = r == nullptr ? -1 : static_cast<long>(r - &table->at(0));
    ASSERT_EQ(got_index, want_index) << "seed " << seed << " host " << in.host << " " << in.method << " " << path
                                     << " tree=" << (r ? r->name + " " + r->path + r->prefix : "none")
                                     << " reference="
                                     << (want_index >= 0 ? routes[want_index].name + " " + routes[want_index].path +
                                                               routes[want_index].prefix
                                                         : "none");
    if (r == nullptr) continue;
    ++hits;
    ASSERT_EQ(got.size, want.size()) << path;
    for (size_t k = 0; k < want.size(); ++k) {
      EXPECT_EQ(got.items[k].name, want[k].first) << path;
      EXPECT_EQ(got.items[k].value, want[k].second) << path;
    }
  }
  // The generator must produce hits, or the comparison proves little.
  EXPECT_GT(hits, lookups / 4) << "seed " << seed;
}

TEST(RouterProperty, TreeAgreesWithLinearReferenceOnSmallTables) {
  for (uint32_t seed = 1; seed <= 40; ++seed) {
    run_round(seed, 60, 400);
    if (HasFatalFailure()) return;
  }
}

TEST(RouterProperty, TreeAgreesWithLinearReferenceOnLargeTables) {
  for (uint32_t seed = 1000; seed < 1004; ++seed) {
    run_round(seed, 1500, 1500);
    if (HasFatalFailure()) return;
  }
}

}  // namespace
}  // namespace weir::test

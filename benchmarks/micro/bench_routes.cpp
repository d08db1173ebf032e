#include "bench_routes.hpp"

#include <algorithm>
#include <fstream>
#include <random>
#include <sstream>

namespace weir::bench {

namespace {

const char* const kHosts[] = {"api.example.com", "billing.example.com", "admin.example.com", "eu.api.example.com",
                              ""};
const char* const kNouns[] = {
    "accounts",  "invoices",  "orders",    "customers", "products",  "payments",  "shipments", "subscriptions",
    "teams",     "projects",  "users",     "groups",    "roles",     "policies",  "tokens",    "webhooks",
    "events",    "reports",   "documents", "files",     "folders",   "comments",  "tickets",   "messages",
    "channels",  "devices",   "sessions",  "coupons",   "discounts", "refunds",   "disputes",  "balances",
    "transfers", "payouts",   "prices",    "plans",     "quotes",    "carts",     "addresses", "warehouses"};
const char* const kSubs[] = {"items", "notes", "history", "attachments", "members", "tags", "audit", "links"};

std::string fill_params(const std::string& path, std::mt19937& rng) {
  static const char* const kValues[] = {"42", "1337", "julienschmidt", "httprouter", "a1b2c3d4", "v2", "main"};
  std::string out;
  for (size_t i = 0; i < path.size(); ++i) {
    bool seg_start = i > 0 && path[i - 1] == '/';
    if (seg_start && (path[i] == ':' || path[i] == '*')) {
      out += kValues[rng() % std::size(kValues)];
      while (i + 1 < path.size() && path[i + 1] != '/') ++i;
    } else {
      out += path[i];
    }
  }
  return out;
}

}  // namespace

bool read_lines(const std::string& file, std::vector<Line>* out, std::string* error) {
  std::ifstream in(file);
  if (!in) {
    *error = "cannot open " + file;
    return false;
  }
  std::string text;
  for (size_t n = 1; std::getline(in, text); ++n) {
    if (text.empty() || text[0] == '#') continue;
    std::istringstream fields(text);
    Line l;
    if (!(fields >> l.method >> l.path)) {
      *error = file + ":" + std::to_string(n) + ": expected METHOD PATH [HOST]";
      return false;
    }
    fields >> l.host;
    out->push_back(std::move(l));
  }
  return true;
}

bool write_lines(const std::string& file, const std::vector<Line>& lines) {
  std::ofstream out(file);
  for (const Line& l : lines) {
    out << l.method << ' ' << l.path;
    if (!l.host.empty()) out << ' ' << l.host;
    out << '\n';
  }
  return static_cast<bool>(out);
}

std::vector<Line> api_routes(size_t count) {
  std::vector<Line> out;
  out.reserve(count);
  auto add = [&](const char* method, std::string path, const char* host) {
    if (out.size() < count) out.push_back({method, std::move(path), host});
  };
  // Hosts outermost, then API versions, then resources: each host grows a
  // realistic, mostly static-prefixed tree.
  for (int round = 0; out.size() < count; ++round) {
    for (const char* host : kHosts) {
      for (int version = 1; version <= 3; ++version) {
        for (size_t n = 0; n < std::size(kNouns); ++n) {
          std::string base = "/v" + std::to_string(version) + "/" + kNouns[n];
          if (round > 0) base += "-" + std::to_string(round);
          add("GET", base, host);
          add("POST", base, host);
          add("GET", base + "/:id", host);
          add("PUT", base + "/:id", host);
          add("PATCH", base + "/:id", host);
          add("DELETE", base + "/:id", host);
          for (size_t s = 0; s < 4; ++s) {
            std::string sub = base + "/:id/" + kSubs[(n + s * 3) % std::size(kSubs)];
            add("GET", sub, host);
            add("POST", sub, host);
            add("GET", sub + "/:sub_id", host);
            add("DELETE", sub + "/:sub_id", host);
          }
        }
      }
    }
  }
  return out;
}

std::vector<Line> hit_requests(const std::vector<Line>& routes, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<Line> out;
  out.reserve(routes.size());
  for (const Line& r : routes) out.push_back({r.method, fill_params(r.path, rng), r.host});
  std::shuffle(out.begin(), out.end(), rng);
  return out;
}

std::vector<Line> api_misses(size_t count, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<Line> out;
  out.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    const char* host = kHosts[rng() % std::size(kHosts)];
    const char* noun = kNouns[rng() % std::size(kNouns)];
    std::string path;
    switch (rng() % 4) {
      case 0:
        path = "/v1/unknown-" + std::string(noun) + "/42";
        break;
      case 1:
        path = "/v2/" + std::string(noun) + "/42/nothing-here/7";
        break;
      case 2:
        path = "/v9/" + std::string(noun);
        break;
      default:
        path = "/v3/" + std::string(noun) + "/42/items/7/extra/segments";
        break;
    }
    out.push_back({"GET", path, host});
  }
  return out;
}

}  // namespace weir::bench

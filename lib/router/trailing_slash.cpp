#include "router/trailing_slash.hpp"

#include <algorithm>
#include <array>
#include <cstring>

#include "router/uri_template.hpp"

namespace weir::router {

namespace {

class AppendSink final : public TextSink {
 public:
  explicit AppendSink(std::string& out) : out_(out) {}
  void append(std::string_view bytes) override { out_.append(bytes); }

 private:
  std::string& out_;
};

bool has_slash_spelling(std::string_view path) noexcept { return path.size() > 1 && path.back() == '/'; }

}  // namespace

uint32_t match_other_spelling(const RouteIndex& index, const std::vector<Route>& routes, const MatchInput& in,
                              Params& params) noexcept {
  params.size = 0;
  if (in.path.empty() || in.path == "/") return kNone;
  MatchInput other = in;
  if (has_slash_spelling(in.path)) {
    // A prefix of the path as sent: the captures already point into it.
    other.path = in.path.substr(0, in.path.size() - 1);
    return index.match(routes, other, params);
  }
  if (in.path.size() + 1 > kMaxSlashPath) return kNone;
  std::array<char, kMaxSlashPath> spelled;
  std::memcpy(spelled.data(), in.path.data(), in.path.size());
  spelled[in.path.size()] = '/';
  other.path = std::string_view(spelled.data(), in.path.size() + 1);
  uint32_t hit = index.match(routes, other, params);
  // The captures point into `spelled`, which dies here: move them to the
  // same bytes of in.path (the added '/' is dropped from a catch-all).
  for (uint8_t k = 0; k < params.size; ++k) {
    std::string_view& v = params.items[k].value;
    size_t at = v.empty() ? in.path.size() : std::min(static_cast<size_t>(v.data() - spelled.data()), in.path.size());
    v = in.path.substr(at, std::min(v.size(), in.path.size() - at));
  }
  return hit;
}

void append_slash_location(std::string& out, std::string_view path, std::string_view query) {
  static const UriTemplate kLocation = [] {
    UriTemplate t;
    t.compile("{path}{query}", {}, UriTemplate::Use::location);
    return t;
  }();
  std::string other(has_slash_spelling(path) ? path.substr(0, path.size() - 1) : path);
  if (!has_slash_spelling(path)) other.push_back('/');
  AppendSink sink(out);
  kLocation.render(TemplateValues{{}, other, query, nullptr}, sink);
}

}  // namespace weir::router

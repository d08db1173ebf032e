#include "middleware/options.hpp"

#include <cmath>
#include <memory>

#include "config/json_document.hpp"
#include "config/key_path.hpp"
#include "http/token.hpp"

namespace weir::mw {

Options::Options(std::string_view json, std::initializer_list<std::string_view> known) {
  std::string err = config::parse_json_document(json, doc_);
  if (!err.empty()) doc_ = picojson::value(picojson::object{});
  // The reader points into doc_, which lives as long as it.
  reader_ = std::make_unique<config::ObjectReader>(doc_, "", known);
  if (!err.empty()) reader_->adopt(err);
}

void read_strings(config::ObjectReader& r, std::string_view key, std::vector<std::string>& out) {
  const picojson::array* a = config::read_array(r, key);
  if (a == nullptr) return;
  out.clear();
  std::string base = r.path_of(key);
  for (size_t i = 0; i < a->size() && r.ok(); ++i) {
    if (!(*a)[i].is<std::string>())
      r.adopt(config::path_error(config::index_path(base, i), "expected string"));
    else
      out.push_back((*a)[i].get<std::string>());
  }
}

void read_number(config::ObjectReader& r, std::string_view key, double& out, double max,
                 bool allow_zero) {
  const picojson::value* v = r.get(key);
  if (v == nullptr) return;
  double d = v->is<double>() ? v->get<double>() : -1;
  if (!v->is<double>() || !std::isfinite(d) || d < 0 || (d == 0 && !allow_zero) || d > max) {
    r.fail(key, allow_zero ? "expected a non-negative number" : "expected a positive number");
    return;
  }
  out = d;
}

void read_string_map(config::ObjectReader& r, std::string_view key, StringPairs& out) {
  const picojson::value* v = r.get(key);
  if (v == nullptr) return;
  if (!v->is<picojson::object>()) return r.fail(key, "expected an object");
  std::string base = r.path_of(key);
  for (const auto& [name, value] : v->get<picojson::object>()) {
    if (!value.is<std::string>())
      return r.adopt(config::path_error(config::member_path(base, name), "expected string"));
    out.emplace_back(name, value.get<std::string>());
  }
}

bool require(config::ObjectReader& r, std::string_view key) {
  if (r.ok() && r.get(key) == nullptr) {
    r.fail(key, "required");
    return false;
  }
  return r.ok();
}

bool valid_field_name(std::string_view name) {
  return name.size() <= 256 && http::is_token(name);
}

}  // namespace weir::mw

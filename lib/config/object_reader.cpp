#include "config/object_reader.hpp"

#include <cmath>
#include <limits>

#include "config/key_path.hpp"

namespace weir::config {

std::string read_integer(const picojson::value& v, uint64_t max, uint64_t& out) {
  constexpr const char* kNotInteger = "expected a non-negative integer";
  if (!v.is<double>()) return kNotInteger;
  double d = v.get<double>();
  if (!(d >= 0) || std::floor(d) != d) return kNotInteger;
  if (max > kMaxJsonInteger) max = kMaxJsonInteger;
  if (d > static_cast<double>(max)) return "must be at most " + std::to_string(max);
  out = static_cast<uint64_t>(d);
  return "";
}

ObjectReader::ObjectReader(const picojson::value& v, std::string path,
                           std::initializer_list<std::string_view> known)
    : path_(std::move(path)) {
  if (!v.is<picojson::object>()) {
    error_ = path_error(path_, "expected an object");
    return;
  }
  object_ = &v.get<picojson::object>();
  for (const auto& [key, value] : *object_) {
    bool found = false;
    for (std::string_view k : known) found = found || k == key;
    if (!found) {
      error_ = path_error(member_path(path_, key), "unknown key");
      return;
    }
  }
}

const picojson::value* ObjectReader::get(std::string_view key) const {
  if (!ok()) return nullptr;
  auto it = object_->find(std::string(key));
  return it == object_->end() ? nullptr : &it->second;
}

std::string ObjectReader::path_of(std::string_view key) const { return member_path(path_, key); }

void ObjectReader::fail(std::string_view key, std::string_view message) {
  if (ok()) error_ = path_error(path_of(key), message);
}

void ObjectReader::adopt(std::string error) {
  if (ok()) error_ = std::move(error);
}

void ObjectReader::read(std::string_view key, std::string& out) {
  const picojson::value* v = get(key);
  if (v == nullptr) return;
  if (!v->is<std::string>()) return fail(key, "expected string");
  out = v->get<std::string>();
}

void ObjectReader::read(std::string_view key, bool& out) {
  const picojson::value* v = get(key);
  if (v == nullptr) return;
  if (!v->is<bool>()) return fail(key, "expected true or false");
  out = v->get<bool>();
}

void ObjectReader::read(std::string_view key, uint32_t& out) {
  const picojson::value* v = get(key);
  if (v == nullptr) return;
  uint64_t n = 0;
  std::string err = read_integer(*v, std::numeric_limits<uint32_t>::max(), n);
  if (!err.empty()) return fail(key, err);
  out = static_cast<uint32_t>(n);
}

void ObjectReader::read(std::string_view key, uint64_t& out) {
  const picojson::value* v = get(key);
  if (v == nullptr) return;
  uint64_t n = 0;
  std::string err = read_integer(*v, kMaxJsonInteger, n);
  if (!err.empty()) return fail(key, err);
  out = n;
}

void ObjectReader::read_port(std::string_view key, uint16_t& out, uint16_t min) {
  const picojson::value* v = get(key);
  if (v == nullptr) return;
  if (!v->is<double>() || std::floor(v->get<double>()) != v->get<double>()) {
    return fail(key, "expected a non-negative integer");
  }
  double d = v->get<double>();
  if (d < min || d > 65535) return fail(key, "must be " + std::to_string(min) + "..65535");
  out = static_cast<uint16_t>(d);
}

const picojson::array* read_array(ObjectReader& r, std::string_view key) {
  const picojson::value* v = r.get(key);
  if (v == nullptr) return nullptr;
  if (!v->is<picojson::array>()) {
    r.fail(key, "expected an array");
    return nullptr;
  }
  return &v->get<picojson::array>();
}

void read_non_empty(ObjectReader& r, std::string_view key, std::string& out, std::string_view message) {
  r.read(key, out);
  if (r.ok() && r.get(key) != nullptr && out.empty()) r.fail(key, message);
}

std::string ascii_lowered(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}

}  // namespace weir::config

// Typed reading of one JSON object of the config: each field is checked for
// its JSON type and for the range of its C++ type, and every key the object
// holds must be one the caller knows. The first error sticks; later reads do
// nothing, so a parser reads all fields and asks for the error once.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

#include <picojson.h>

namespace weir::config {

// JSON numbers are doubles; integers above 2^53 - 1 are not exact in them
// (RFC 8259 section 6), so no larger value is accepted for any field.
inline constexpr uint64_t kMaxJsonInteger = (uint64_t{1} << 53) - 1;

// Reads `v` as a non-negative integer no larger than `max` into `out`.
// Returns "" or an error message without the path.
std::string read_integer(const picojson::value& v, uint64_t max, uint64_t& out);

class ObjectReader {
 public:
  // `path` is the key path of `v`; `known` lists the keys `v` may hold.
  ObjectReader(const picojson::value& v, std::string path,
               std::initializer_list<std::string_view> known);

  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }
  const std::string& path() const { return path_; }

  // The value of `key`, or nullptr when absent or after an error.
  const picojson::value* get(std::string_view key) const;
  std::string path_of(std::string_view key) const;
  // Records "path.key: message" unless an error is already recorded.
  void fail(std::string_view key, std::string_view message);
  // Records an error produced by a nested reader (already with its path).
  void adopt(std::string error);

  // Absent keys leave `out` unchanged (its default).
  void read(std::string_view key, std::string& out);
  void read(std::string_view key, bool& out);
  void read(std::string_view key, uint32_t& out);
  void read(std::string_view key, uint64_t& out);
  // A TCP port; values below `min` or above 65535 are errors.
  void read_port(std::string_view key, uint16_t& out, uint16_t min);

 private:
  const picojson::object* object_ = nullptr;
  std::string path_;
  std::string error_;
};

// The array at `key`, or nullptr when absent or not an array (then an error
// is recorded).
const picojson::array* read_array(ObjectReader& r, std::string_view key);

// For keys where "" would silently mean "not set": present means non-empty.
void read_non_empty(ObjectReader& r, std::string_view key, std::string& out, std::string_view message);

// `s` with ASCII letters in lower case (host and header names).
std::string ascii_lowered(std::string s);

}  // namespace weir::config

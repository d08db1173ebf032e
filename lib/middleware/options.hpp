// Reading a built-in middleware's options from its config entry (JSON text).
// Errors name the option by its path inside the entry ("request.set.x-a:
// expected string"); the config adds the entry's path in front.
#pragma once

#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <picojson.h>

#include "config/object_reader.hpp"

namespace weir::mw {

using StringPairs = std::vector<std::pair<std::string, std::string>>;

class Options {
 public:
  // `known` lists every key the entry may hold, "type" and "name" included.
  Options(std::string_view json, std::initializer_list<std::string_view> known);
  config::ObjectReader& reader() { return *reader_; }
  bool ok() const { return reader_->ok(); }
  const std::string& error() const { return reader_->error(); }

 private:
  picojson::value doc_;
  std::unique_ptr<config::ObjectReader> reader_;
};

// An array of strings (absent: unchanged).
void read_strings(config::ObjectReader& r, std::string_view key, std::vector<std::string>& out);
// A number > 0 (or >= 0 with allow_zero) no larger than `max`.
void read_number(config::ObjectReader& r, std::string_view key, double& out, double max,
                 bool allow_zero = false);
// An object of string values, in key order.
void read_string_map(config::ObjectReader& r, std::string_view key, StringPairs& out);
// `key` must be present.
bool require(config::ObjectReader& r, std::string_view key);
// An HTTP field name (a token, RFC 9110 5.6.2), lower-cased.
bool valid_field_name(std::string_view name);

}  // namespace weir::mw

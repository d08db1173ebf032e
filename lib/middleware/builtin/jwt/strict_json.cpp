#include "middleware/builtin/jwt/strict_json.hpp"

#include <cmath>
#include <cstdint>
#include <string>

namespace weir::jwt {

namespace {

// A picojson parse context (the interface of picojson::default_parse_context)
// that counts objects as well as arrays against the depth bound (picojson
// 1.3's default context only counts arrays) and stops at a repeated name.
class StrictContext {
 public:
  StrictContext(picojson::value* out, size_t depth, bool* out_of_range)
      : out_(out), depth_(depth), out_of_range_(out_of_range) {}
  StrictContext(const StrictContext&) = delete;
  StrictContext& operator=(const StrictContext&) = delete;

  bool set_null() {
    *out_ = picojson::value();
    return true;
  }
  bool set_bool(bool b) {
    *out_ = picojson::value(b);
    return true;
  }
#ifdef PICOJSON_USE_INT64
  bool set_int64(int64_t i) {
    *out_ = picojson::value(i);
    return true;
  }
#endif
  bool set_number(double f) {
    // picojson::value(double) throws on infinity ("1e999"), and picojson
    // ignores what set_number returns: note the refusal on the side.
    if (!std::isfinite(f)) {
      *out_of_range_ = true;
      return false;
    }
    *out_ = picojson::value(f);
    return true;
  }
  template <typename Iter>
  bool parse_string(picojson::input<Iter>& in) {
    *out_ = picojson::value(picojson::string_type, false);
    return picojson::_parse_string(out_->get<std::string>(), in);
  }
  bool parse_array_start() {
    if (depth_ == 0) return false;
    --depth_;
    *out_ = picojson::value(picojson::array_type, false);
    return true;
  }
  template <typename Iter>
  bool parse_array_item(picojson::input<Iter>& in, size_t) {
    auto& items = out_->get<picojson::array>();
    items.emplace_back();
    StrictContext child(&items.back(), depth_, out_of_range_);
    return picojson::_parse(child, in);
  }
  bool parse_array_stop(size_t) {
    ++depth_;
    return true;
  }
  bool parse_object_start() {
    if (depth_ == 0) return false;
    --depth_;
    *out_ = picojson::value(picojson::object_type, false);
    return true;
  }
  template <typename Iter>
  bool parse_object_item(picojson::input<Iter>& in, const std::string& key) {
    auto& members = out_->get<picojson::object>();
    auto [it, inserted] = members.emplace(key, picojson::value());
    if (!inserted) return false;
    StrictContext child(&it->second, depth_, out_of_range_);
    return picojson::_parse(child, in);
  }
  bool parse_object_stop() {
    ++depth_;
    return true;
  }

 private:
  picojson::value* out_;
  size_t depth_;
  bool* out_of_range_;
};

}  // namespace

bool parse_strict_json(std::string_view text, picojson::value& out) {
  out = picojson::value();
  bool out_of_range = false;
  StrictContext ctx(&out, kMaxJsonDepth, &out_of_range);
  picojson::input<const char*> in(text.data(), text.data() + text.size());
  if (!picojson::_parse(ctx, in) || out_of_range) return false;
  in.skip_ws();
  return in.getc() == -1;
}

}  // namespace weir::jwt

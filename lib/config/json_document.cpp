#include "config/json_document.hpp"

#include <cmath>
#include <exception>

#include "config/key_path.hpp"

namespace weir::config {

namespace {

// What stopped the parse, when it was not plain bad syntax.
struct ParseState {
  bool duplicate = false;
  std::string duplicate_key;
  bool number_out_of_range = false;
  bool too_deep = false;
};

// A picojson parse context (the interface of picojson::default_parse_context)
// that also bounds object nesting and refuses duplicate keys. RFC 8259
// section 4 leaves duplicate names to the implementation; in a config file
// one of the two would be silently ignored, so they are errors.
class StrictContext {
 public:
  StrictContext(picojson::value* out, size_t depth, ParseState* state)
      : out_(out), depth_(depth), state_(state) {}
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
  bool set_number(double f) {
    // picojson::value(double) throws on infinities (e.g. 1e999), and
    // picojson ignores the result of set_number, so the state carries it.
    if (!std::isfinite(f)) {
      state_->number_out_of_range = true;
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
    if (!enter()) return false;
    *out_ = picojson::value(picojson::array_type, false);
    return true;
  }
  template <typename Iter>
  bool parse_array_item(picojson::input<Iter>& in, size_t) {
    picojson::array& a = out_->get<picojson::array>();
    a.emplace_back();
    StrictContext ctx(&a.back(), depth_, state_);
    return picojson::_parse(ctx, in);
  }
  bool parse_array_stop(size_t) {
    ++depth_;
    return true;
  }
  bool parse_object_start() {
    if (!enter()) return false;
    *out_ = picojson::value(picojson::object_type, false);
    return true;
  }
  template <typename Iter>
  bool parse_object_item(picojson::input<Iter>& in, const std::string& key) {
    picojson::object& o = out_->get<picojson::object>();
    if (o.count(key) != 0) {
      state_->duplicate = true;
      state_->duplicate_key = key;
      return false;
    }
    StrictContext ctx(&o[key], depth_, state_);
    return picojson::_parse(ctx, in);
  }
  bool parse_object_stop() {
    ++depth_;
    return true;
  }

 private:
  bool enter() {
    if (depth_ == 0) {
      state_->too_deep = true;
      return false;
    }
    --depth_;
    return true;
  }

  picojson::value* out_;
  size_t depth_;
  ParseState* state_;
};

bool is_literal_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '+' ||
         c == '-' || c == '.';
}

bool is_json_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// picojson stops inside a bad bare literal ("tru", "12x"); the error points
// at the literal's start when the text before `offset` is one, not at EOF.
size_t literal_start(std::string_view text, size_t offset) {
  if (offset >= text.size()) return offset;
  size_t start = offset;
  while (start > 0 && is_literal_char(text[start - 1])) --start;
  if (start == offset) return offset;
  char before = start > 0 ? text[start - 1] : ' ';
  bool bare = is_json_space(before) || before == ':' || before == ',' || before == '[';
  return bare ? start : offset;
}

// The parser stops just after the ':' that follows a key; the error points
// at the key's opening quote.
size_t key_start(std::string_view text, size_t offset) {
  size_t pos = offset;
  while (pos > 0 && (is_json_space(text[pos - 1]) || text[pos - 1] == ':')) --pos;
  if (pos == 0 || text[pos - 1] != '"') return offset;
  --pos;  // the closing quote
  while (pos > 0) {
    --pos;
    if (text[pos] != '"') continue;
    size_t slashes = 0;
    while (pos > slashes && text[pos - 1 - slashes] == '\\') ++slashes;
    if (slashes % 2 == 0) return pos;
  }
  return offset;
}

// Line and column (both from 1, column in bytes) of `offset` in `text`.
std::string position(std::string_view text, size_t offset) {
  size_t line = 1;
  size_t line_start = 0;
  for (size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      line_start = i + 1;
    }
  }
  return "line " + std::to_string(line) + " column " + std::to_string(offset - line_start + 1);
}

std::string json_error(std::string_view text, size_t offset, std::string_view what) {
  std::string out = "(json): ";
  out += position(text, offset);
  out += ": ";
  out += what;
  return out;
}

// The offending text, up to the end of its line, for the error message.
std::string excerpt(std::string_view text, size_t offset) {
  if (offset >= text.size()) return "unexpected end of document";
  std::string_view rest = text.substr(offset);
  size_t eol = rest.find_first_of("\r\n");
  // A line break is itself the offending byte inside a string.
  if (eol != std::string_view::npos) rest = rest.substr(0, eol == 0 ? 1 : eol);
  return "syntax error near " + quoted(rest.substr(0, rest.size() < 24 ? rest.size() : 24));
}

}  // namespace

std::string parse_json_document(std::string_view text, picojson::value& out, size_t max_depth) {
  if (text.size() > kMaxDocumentBytes) {
    return "(json): document larger than " + std::to_string(kMaxDocumentBytes) + " bytes";
  }
  size_t first = 0;
  while (first < text.size() && is_json_space(text[first])) ++first;
  if (first == text.size()) return "(json): empty document";
  try {
    ParseState state;
    StrictContext ctx(&out, max_depth, &state);
    picojson::input<const char*> in(text.data(), text.data() + text.size());
    bool ok = picojson::_parse(ctx, in);
    size_t offset = static_cast<size_t>(in.cur() - text.data());
    if (state.number_out_of_range) return "(json): a number is beyond the range of a double";
    if (!ok) {
      if (state.duplicate) {
        return json_error(text, key_start(text, offset),
                          "duplicate key " + quoted(state.duplicate_key));
      }
      if (state.too_deep) {
        // The parser has consumed the bracket that went too deep.
        return json_error(text, offset - 1,
                          "nesting deeper than " + std::to_string(max_depth) + " levels");
      }
      offset = literal_start(text, offset);
      return json_error(text, offset, excerpt(text, offset));
    }
    while (offset < text.size() && is_json_space(text[offset])) ++offset;
    if (offset != text.size()) {
      return json_error(text, offset, "unexpected text after the document");
    }
    return "";
  } catch (const std::exception& e) {
    return std::string("(json): cannot parse: ") + e.what();
  } catch (...) {
    return "(json): cannot parse";
  }
}

}  // namespace weir::config

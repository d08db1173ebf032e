#include "router/path_normalize.hpp"

namespace weir {

namespace {

// RFC 3986 section 2.3.
bool is_unreserved(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
         c == '_' || c == '~';
}

// RFC 3986 section 3.3: pchar = unreserved / pct-encoded / sub-delims / ":" / "@".
bool is_pchar_literal(unsigned char c) {
  if (is_unreserved(c)) return true;
  switch (c) {
    case '!': case '$': case '&': case '\'': case '(': case ')': case '*': case '+': case ',': case ';':
    case '=': case ':': case '@':
      return true;
    default:
      return false;
  }
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

constexpr char kHex[] = "0123456789ABCDEF";

class Output {
 public:
  Output(char* out, size_t cap) : out_(out), cap_(cap) {}
  bool put(char c) {
    if (len_ >= cap_) return false;
    out_[len_++] = c;
    return true;
  }
  bool put_escape(unsigned char v) { return put('%') && put(kHex[v >> 4]) && put(kHex[v & 15]); }
  size_t size() const { return len_; }
  void truncate(size_t n) { len_ = n; }
  std::string_view view(size_t from) const { return {out_ + from, len_ - from}; }
  // The length of the output up to and including the '/' that precedes the
  // last segment before position `end` (which follows a '/').
  size_t parent_end(size_t end) const {
    size_t i = end - 1;  // out_[i] == '/'
    while (i > 0 && out_[i - 1] != '/') --i;
    return i;
  }

 private:
  char* out_;
  size_t cap_;
  size_t len_ = 0;
};

}  // namespace

PathError normalize_path(std::string_view raw, char* out, size_t cap, size_t* out_len) noexcept {
  if (out_len != nullptr) *out_len = 0;
  if (raw.empty() || raw[0] != '/') return PathError::bad_char;
  Output o(out, cap);
  if (!o.put('/')) return PathError::too_long;

  size_t i = 1;
  for (;;) {
    size_t seg_begin = o.size();  // just after a '/'
    while (i < raw.size() && raw[i] != '/') {
      auto c = static_cast<unsigned char>(raw[i]);
      bool ok = true;
      if (c == '%') {
        int hi = i + 2 < raw.size() ? hex_value(raw[i + 1]) : -1;
        int lo = i + 2 < raw.size() ? hex_value(raw[i + 2]) : -1;
        if (hi < 0 || lo < 0) return PathError::bad_encoding;
        auto v = static_cast<unsigned char>(hi * 16 + lo);
        // Only unreserved characters are decoded: their escapes mean the
        // same as the characters (RFC 3986 section 2.3); any other escape,
        // "%2F" first of all, keeps its meaning of "data, not delimiter".
        ok = is_unreserved(v) ? o.put(static_cast<char>(v)) : o.put_escape(v);
        i += 3;
      } else if (c < 0x20 || c == 0x7f || c == ' ') {
        return PathError::bad_char;
      } else if (c == '\\') {
        // Some servers read '\' as a separator; a raw one is never valid in
        // a URI (RFC 3986 section 2), so it is refused rather than guessed.
        return PathError::bad_char;
      } else {
        ok = is_pchar_literal(c) ? o.put(static_cast<char>(c)) : o.put_escape(c);
        ++i;
      }
      if (!ok) return PathError::too_long;
    }

    bool more = i < raw.size();  // raw[i] == '/'
    std::string_view seg = o.view(seg_begin);
    std::string_view name = seg.substr(0, seg.find(';'));
    if (seg == ".") {
      o.truncate(seg_begin);
    } else if (seg == "..") {
      // RFC 3986 section 5.2.4 drops ".." at the root; a gateway refuses it
      // instead, since asking for it means probing for traversal.
      if (seg_begin <= 1) return PathError::traversal;
      o.truncate(o.parent_end(seg_begin));
    } else if (seg.size() != name.size() && (name.empty() || name == "." || name == "..")) {
      // "..;x", ".;x", ";x": servers that strip path parameters (Tomcat,
      // Jetty) read these as "..", "." or "", so the upstream would resolve
      // a path the router never saw.
      return PathError::traversal;
    } else if (!seg.empty() && more) {
      if (!o.put('/')) return PathError::too_long;
    }
    if (!more) break;
    ++i;
  }
  if (out_len != nullptr) *out_len = o.size();
  return PathError::none;
}

const char* path_error_name(PathError e) noexcept {
  switch (e) {
    case PathError::none: return "none";
    case PathError::bad_encoding: return "bad_encoding";
    case PathError::traversal: return "traversal";
    case PathError::too_long: return "too_long";
    case PathError::bad_char: return "bad_char";
  }
  return "unknown";
}

}  // namespace weir

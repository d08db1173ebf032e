#include "config/key_path.hpp"

namespace weir::config {

namespace {

// Longer text is cut so that a hostile document cannot make error lines huge.
constexpr size_t kMaxQuotedBytes = 64;

bool is_plain_key(std::string_view key) {
  if (key.empty()) return false;
  for (char c : key) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

std::string quoted(std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "\"";
  size_t n = text.size() < kMaxQuotedBytes ? text.size() : kMaxQuotedBytes;
  for (size_t i = 0; i < n; ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c >= 0x7f) {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 0xf];
    } else {
      out += static_cast<char>(c);
    }
  }
  if (n < text.size()) out += "...";
  out += '"';
  return out;
}

std::string member_path(std::string_view parent, std::string_view key) {
  std::string out(parent);
  if (is_plain_key(key)) {
    if (!out.empty()) out += '.';
    out += key;
  } else {
    out += '[';
    out += quoted(key);
    out += ']';
  }
  return out;
}

std::string index_path(std::string_view parent, size_t index) {
  std::string out(parent);
  out += '[';
  out += std::to_string(index);
  out += ']';
  return out;
}

std::string path_error(std::string_view path, std::string_view message) {
  std::string out = path.empty() ? std::string("(root)") : std::string(path);
  out += ": ";
  out += message;
  return out;
}

}  // namespace weir::config

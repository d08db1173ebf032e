#include "router/uri_template.hpp"

#include "router/host_name.hpp"

namespace weir::router {

namespace {

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// RFC 3986 section 2: unreserved, reserved and '%' (an escape already made).
bool is_uri_char(unsigned char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  switch (c) {
    case '-': case '.': case '_': case '~': case ':': case '/': case '?': case '#': case '[':
    case ']': case '@': case '!': case '$': case '&': case '\'': case '(': case ')': case '*':
    case '+': case ',': case ';': case '=': case '%':
      return true;
    default:
      return false;
  }
}

// RFC 3986 section 3.2.2: reg-name and IP-literal characters. Anything else
// ('/', '@', '?', '#') would move the authority's end, so it is escaped.
bool is_host_char(unsigned char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return c == '-' || c == '.' || c == '_' || c == '~' || c == '[' || c == ']' || c == ':';
}

// Query text keeps its own delimiters but not '#', which would end it.
bool is_query_char(unsigned char c) { return c != '#' && is_uri_char(c); }

template <class Allowed>
void append_escaped(TextSink& out, std::string_view s, Allowed allowed) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  size_t run = 0;  // start of the bytes copied as they are
  for (size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (allowed(c)) continue;
    if (i > run) out.append(s.substr(run, i - run));
    const char esc[3] = {'%', kHex[c >> 4], kHex[c & 15]};
    out.append(std::string_view(esc, 3));
    run = i + 1;
  }
  if (run < s.size()) out.append(s.substr(run));
}

}  // namespace

std::string UriTemplate::compile(std::string_view text, std::span<const std::string_view> param_names, Use use) {
  text_.assign(text);
  pieces_.clear();
  if (text.empty()) return "must not be empty";
  if (use == Use::path && text.front() != '/') return "must start with '/'";
  size_t lit = 0;
  auto flush_literal = [&](size_t end) {
    if (end > lit) pieces_.push_back({Part::literal, 0, static_cast<uint32_t>(lit), static_cast<uint32_t>(end - lit)});
  };
  for (size_t i = 0; i < text.size(); ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c == '}') return "'}' at byte " + std::to_string(i) + " closes no variable";
    if (c != '{') {
      bool ok = use == Use::path ? is_uri_char(c) && c != '?' && c != '#' : is_uri_char(c);
      if (!ok) return "byte " + std::to_string(i) + " is not allowed in a " +
                      (use == Use::path ? "path" : "URI") + " (percent-encode it)";
      continue;
    }
    size_t close = text.find('}', i);
    if (close == std::string_view::npos) return "'{' at byte " + std::to_string(i) + " is not closed";
    std::string_view name = text.substr(i + 1, close - i - 1);
    if (name.empty()) return "'{}' names no variable";
    for (char n : name) {
      if (!is_name_char(n)) return "variable \"" + std::string(name) + "\" may hold only letters, digits and '_'";
    }
    flush_literal(i);
    Piece p{Part::literal, 0, 0, 0};
    size_t param = param_names.size();
    for (size_t k = 0; k < param_names.size(); ++k) {
      if (param_names[k] == name) param = k;
    }
    bool request_var = name == "host" || name == "path" || name == "query";
    if (request_var && param != param_names.size()) {
      return "{" + std::string(name) + "} is ambiguous: the route also captures a parameter of that name";
    }
    if (name == "path") {
      p.part = Part::path;
    } else if (name == "host" && use == Use::location) {
      p.part = Part::host;
    } else if (name == "query" && use == Use::location) {
      p.part = Part::query;
    } else if (param != param_names.size()) {
      p.part = Part::param;
      p.param = static_cast<uint8_t>(param);
    } else if (request_var) {
      return "{" + std::string(name) + "} cannot be used in a path (the query is kept as it is)";
    } else {
      return "{" + std::string(name) + "} is neither a parameter of the route's path nor one of " +
             (use == Use::location ? "{host}, {path}, {query}" : "{path}");
    }
    pieces_.push_back(p);
    i = close;
    lit = close + 1;
  }
  flush_literal(text.size());
  return {};
}

size_t UriTemplate::max_rendered(size_t longest_value) const noexcept {
  size_t n = 0;
  for (const Piece& p : pieces_) n += p.part == Part::literal ? p.len : 1 + 3 * longest_value;
  return n;
}

void UriTemplate::render(const TemplateValues& v, TextSink& out) const {
  for (const Piece& p : pieces_) {
    switch (p.part) {
      case Part::literal:
        out.append(std::string_view(text_).substr(p.begin, p.len));
        break;
      case Part::host:
        append_escaped(out, host_name_of(v.host), is_host_char);
        break;
      case Part::path:
        append_escaped(out, v.path, is_uri_char);
        break;
      case Part::query:
        // With its '?' when there is one, so "{path}{query}" needs no
        // condition in the template.
        if (!v.query.empty()) {
          out.append("?");
          append_escaped(out, v.query, is_query_char);
        }
        break;
      case Part::param:
        if (v.params != nullptr && p.param < v.params->size)
          append_escaped(out, v.params->items[p.param].value, is_uri_char);
        break;
    }
  }
}

}  // namespace weir::router

// headers: adds, sets and removes request headers (toward the upstream) and
// response headers (toward the client). Values are templates: {client_ip},
// {route}, {request_id} and {param.NAME} (a route parameter) are filled per
// request; everything else is copied as written.
#include <memory>
#include <string>
#include <vector>

#include "config/key_path.hpp"
#include "config/object_reader.hpp"
#include "middleware/builtin/builtins.hpp"
#include "middleware/options.hpp"

namespace weir::mw {

namespace {

struct Piece {
  enum class Kind : uint8_t { text, client_ip, route, request_id, param };
  Kind kind = Kind::text;
  std::string text;  // text; or the parameter's name
};

struct Field {
  std::string name;
  std::vector<Piece> value;
};

struct Edits {
  std::vector<Field> add, set;
  std::vector<std::string> remove;
};

struct Spec {
  Edits request, response;
};

// "" or the reason `text` is not a template.
std::string compile(std::string_view text, std::vector<Piece>& out) {
  for (char c : text)
    if (c == '\r' || c == '\n' || c == '\0') return "must not hold CR, LF or NUL";
  while (!text.empty()) {
    size_t open = text.find('{');
    if (open != 0) {
      out.push_back({Piece::Kind::text, std::string(text.substr(0, open))});
      if (open == std::string_view::npos) break;
      text.remove_prefix(open);
    }
    size_t close = text.find('}');
    if (close == std::string_view::npos) return "unclosed '{'";
    std::string_view var = text.substr(1, close - 1);
    Piece p;
    if (var == "client_ip") p.kind = Piece::Kind::client_ip;
    else if (var == "route") p.kind = Piece::Kind::route;
    else if (var == "request_id") p.kind = Piece::Kind::request_id;
    else if (var.starts_with("param.") && var.size() > 6) {
      p.kind = Piece::Kind::param;
      p.text = std::string(var.substr(6));
    } else {
      return "unknown variable " + config::quoted(var) +
             " (known: client_ip, route, request_id, param.NAME)";
    }
    out.push_back(std::move(p));
    text.remove_prefix(close + 1);
  }
  return "";
}

std::string render(const std::vector<Piece>& pieces, const Context& ctx) {
  std::string s;
  for (const Piece& p : pieces) {
    switch (p.kind) {
      case Piece::Kind::text: s += p.text; break;
      case Piece::Kind::client_ip: s += ctx.client_ip(); break;
      case Piece::Kind::route: s += ctx.request().route; break;
      case Piece::Kind::request_id: s += ctx.request_id(); break;
      case Piece::Kind::param: s += ctx.request().params.get(p.text); break;
    }
  }
  return s;
}

void read_fields(config::ObjectReader& r, std::string_view key, std::vector<Field>& out) {
  StringPairs pairs;
  read_string_map(r, key, pairs);
  std::string base = r.path_of(key);
  for (auto& [name, value] : pairs) {
    std::string path = config::member_path(base, name);
    if (!valid_field_name(name)) return r.adopt(config::path_error(path, "not a header name"));
    Field f;
    f.name = config::ascii_lowered(name);
    if (std::string e = compile(value, f.value); !e.empty()) return r.adopt(config::path_error(path, e));
    out.push_back(std::move(f));
  }
}

void read_edits(config::ObjectReader& parent, std::string_view key, Edits& out) {
  const picojson::value* v = parent.get(key);
  if (v == nullptr) return;
  config::ObjectReader r(*v, parent.path_of(key), {"add", "set", "remove"});
  read_fields(r, "add", out.add);
  read_fields(r, "set", out.set);
  read_strings(r, "remove", out.remove);
  std::string base = r.path_of("remove");
  for (size_t i = 0; i < out.remove.size() && r.ok(); ++i) {
    if (!valid_field_name(out.remove[i]))
      r.adopt(config::path_error(config::index_path(base, i), "not a header name"));
    out.remove[i] = config::ascii_lowered(std::move(out.remove[i]));
  }
  parent.adopt(r.error());
}

}  // namespace

MiddlewareResult make_headers(std::string_view json) {
  Options o(json, {"type", "name", "request", "response"});
  auto spec = std::make_shared<Spec>();
  read_edits(o.reader(), "request", spec->request);
  read_edits(o.reader(), "response", spec->response);
  if (!o.ok()) return failure(o.error());

  MiddlewareResult r;
  const Edits& req = spec->request;
  if (!req.add.empty() || !req.set.empty() || !req.remove.empty()) {
    r.middleware.on_request = [spec](Context& ctx) {
      const Edits& e = spec->request;
      for (const auto& name : e.remove) ctx.remove_request_header(name);
      for (const Field& f : e.set) ctx.set_request_header(f.name, render(f.value, ctx));
      for (const Field& f : e.add) ctx.add_request_header(f.name, render(f.value, ctx));
    };
  }
  const Edits& res = spec->response;
  if (!res.add.empty() || !res.set.empty() || !res.remove.empty()) {
    r.middleware.on_response = [spec](Context& ctx) {
      const Edits& e = spec->response;
      for (const auto& name : e.remove) ctx.remove_response_header(name);
      for (const Field& f : e.set) ctx.set_response_header(f.name, render(f.value, ctx));
      for (const Field& f : e.add) ctx.add_response_header(f.name, render(f.value, ctx));
    };
  }
  return r;
}

}  // namespace weir::mw

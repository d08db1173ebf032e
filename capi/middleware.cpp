// weir_middleware_register: a C middleware type as a weir::MiddlewareFactory.
// Each config entry gets an Instance holding the host's pointer; the phase
// hooks share it, so the host's destroy() runs when the last snapshot that
// uses the entry lets go of its middleware.
#include <algorithm>
#include <cstddef>
#include <cstring>
#include <memory>
#include <string>

#include "middleware/options.hpp"
#include "request.hpp"

namespace {

constexpr size_t kMaxTypeBytes = 64;
constexpr size_t kErrorBytes = 512;

// The callbacks the caller's struct really has: fields past its `size` are NULL.
struct CType {
  weir_middleware_type mt{};
  void* user = nullptr;
};

// A field counts only when the caller's struct holds all of it.
template <typename T>
T field_within(const weir_middleware_type& given, T weir_middleware_type::*field, size_t offset) {
  return offset + sizeof(T) <= given.size ? given.*field : nullptr;
}

CType copy_type(const weir_middleware_type& given, void* user) {
  using MT = weir_middleware_type;
  CType t;
  t.mt.size = sizeof t.mt;
  t.mt.create = field_within(given, &MT::create, offsetof(MT, create));
  t.mt.destroy = field_within(given, &MT::destroy, offsetof(MT, destroy));
  t.mt.on_request = field_within(given, &MT::on_request, offsetof(MT, on_request));
  t.mt.on_response = field_within(given, &MT::on_response, offsetof(MT, on_response));
  t.mt.on_log = field_within(given, &MT::on_log, offsetof(MT, on_log));
  t.user = user;
  return t;
}

class Instance {
 public:
  Instance(const CType& t, void* ptr) noexcept : t_(t), ptr_(ptr) {}
  Instance(const Instance&) = delete;
  Instance& operator=(const Instance&) = delete;
  ~Instance() {
    if (t_.mt.destroy && t_.mt.create) t_.mt.destroy(t_.user, ptr_);
  }
  void* ptr() const noexcept { return ptr_; }

 private:
  CType t_;
  void* ptr_;
};

using Hook = void (*)(weir_request_t*, void*);

std::function<void(weir::Context&)> phase_hook(Hook hook, const std::shared_ptr<Instance>& inst) {
  if (!hook) return {};  // a missing callback costs nothing per request
  return [hook, inst](weir::Context& ctx) {
    weir_request req(ctx);
    hook(&req, inst->ptr());
  };
}

// The instance pointer from the host's create(), or the error it reported.
weir::MiddlewareResult create_instance(const CType& t, std::string_view options_json,
                                       void** instance) {
  weir::MiddlewareResult r;
  *instance = t.user;
  if (!t.mt.create) {  // no options to read: only the keys every entry has
    weir::mw::Options o(options_json, {"type", "name"});
    if (!o.ok()) r.error = o.error();
    return r;
  }
  std::string json(options_json);  // NUL-terminated for the host
  char err[kErrorBytes] = {};
  *instance = nullptr;
  weir_status st = t.mt.create(t.user, json.c_str(), json.size(), instance, err, sizeof err);
  if (st == WEIR_OK) return r;
  err[sizeof err - 1] = '\0';
  r.error = err[0] ? std::string(err)
                   : std::string("(entry): create failed: ") + weir_status_str(st);
  return r;
}

weir::MiddlewareResult build(const CType& t, std::string_view options_json) {
  void* ptr = nullptr;
  weir::MiddlewareResult r = create_instance(t, options_json, &ptr);
  if (!r) return r;
  std::shared_ptr<Instance> inst;
  try {
    inst = std::make_shared<Instance>(t, ptr);
  } catch (...) {
    if (t.mt.create && t.mt.destroy) t.mt.destroy(t.user, ptr);
    throw;
  }
  r.middleware.on_request = phase_hook(t.mt.on_request, inst);
  r.middleware.on_response = phase_hook(t.mt.on_response, inst);
  r.middleware.on_log = phase_hook(t.mt.on_log, inst);
  return r;
}

bool valid_type_name(const char* type) {
  size_t n = strnlen(type, kMaxTypeBytes + 1);
  if (n == 0 || n > kMaxTypeBytes) return false;
  return std::all_of(type, type + n, [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_' || c == '.' || c == '-';
  });
}

}  // namespace

extern "C" {

weir_status weir_middleware_register(const char* type, const weir_middleware_type* mt,
                                     void* user) {
  if (!type || !mt || mt->size < sizeof mt->size || !valid_type_name(type)) return WEIR_EINVAL;
  return weir::capi::guarded([&] {
    CType t = copy_type(*mt, user);
    weir::register_middleware(type, [t](std::string_view json) { return build(t, json); });
    return WEIR_OK;
  });
}

}  // extern "C"

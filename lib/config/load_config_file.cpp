// Reading a config file: bounded in size, every failure an error value.
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <new>

#include "config/json_document.hpp"
#include "weir/config.hpp"

namespace weir {

namespace {

ConfigResult fail(std::string_view what) {
  ConfigResult r;
  r.error = std::string(what);
  return r;
}

ConfigResult read_and_parse(const std::string& path) {
  FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return fail(std::string("cannot read: ") + std::strerror(errno));
  std::string text;
  // Read one byte past the bound to tell "exactly at the bound" from "over".
  constexpr size_t kChunk = 64 * 1024;
  char buf[kChunk];
  int read_errno = 0;
  while (text.size() <= config::kMaxDocumentBytes) {
    size_t n = std::fread(buf, 1, kChunk, f);
    text.append(buf, n);
    if (n < kChunk) {
      if (std::ferror(f)) read_errno = errno != 0 ? errno : EIO;
      break;
    }
  }
  std::fclose(f);
  if (read_errno != 0) return fail(std::string("cannot read: ") + std::strerror(read_errno));
  if (text.size() > config::kMaxDocumentBytes) {
    return fail("cannot read: larger than " + std::to_string(config::kMaxDocumentBytes) + " bytes");
  }
  // Errors carry no file name: the caller prints "FILE: error", as for
  // parse_config, so the path never appears twice.
  return parse_config(text);
}

}  // namespace

ConfigResult load_config_file(const std::string& path) {
  try {
    return read_and_parse(path);
  } catch (const std::bad_alloc&) {
    ConfigResult r;
    r.error = "out of memory";
    return r;
  } catch (const std::exception& e) {
    return fail(std::string("cannot read: ") + e.what());
  }
}

}  // namespace weir

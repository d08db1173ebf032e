#include "middleware/builtin/jwt/key_file.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

namespace weir::jwt {

Result<std::string> read_key_file(const std::string& path) {
  using R = Result<std::string>;
  std::unique_ptr<FILE, int (*)(FILE*)> file(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!file) return R::failure("cannot open " + path + ": " + std::strerror(errno));
  std::string text;
  char chunk[4096];
  for (;;) {
    size_t n = std::fread(chunk, 1, sizeof chunk, file.get());
    text.append(chunk, n);
    if (text.size() > kMaxKeyFileBytes) {
      return R::failure(path + ": larger than " + std::to_string(kMaxKeyFileBytes) + " bytes");
    }
    if (n < sizeof chunk) break;
  }
  if (std::ferror(file.get())) return R::failure("cannot read " + path);
  return R::success(std::move(text));
}

}  // namespace weir::jwt

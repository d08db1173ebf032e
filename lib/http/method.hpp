// Facts about request methods that the proxy's decisions rest on.
#pragma once

#include <llhttp.h>

#include <cstdint>

namespace weir::http {

// RFC 9110 9.2.2: repeating the request cannot change more than one try
// would, so a connection reset or a retry may send it again.
inline bool idempotent_method(uint8_t method) noexcept {
  switch (method) {
    case HTTP_GET: case HTTP_HEAD: case HTTP_OPTIONS: case HTTP_PUT: case HTTP_DELETE:
    case HTTP_TRACE:
      return true;
    default:
      return false;
  }
}

}  // namespace weir::http

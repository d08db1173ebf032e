#include "middleware/builtin/jwt/compact_token.hpp"

#include <picojson.h>

#include "middleware/builtin/jwt/base64url.hpp"
#include "middleware/builtin/jwt/strict_json.hpp"

namespace weir::jwt {

bool split_compact(std::string_view token, CompactParts& out) noexcept {
  size_t first = token.find('.');
  if (first == std::string_view::npos) return false;
  size_t second = token.find('.', first + 1);
  if (second == std::string_view::npos) return false;
  if (token.find('.', second + 1) != std::string_view::npos) return false;
  out.header = token.substr(0, first);
  out.payload = token.substr(first + 1, second - first - 1);
  out.signature = token.substr(second + 1);
  out.signing_input = token.substr(0, second);
  return !out.header.empty() && !out.payload.empty() && !out.signature.empty();
}

HeaderVerdict parse_header(std::string_view header_b64, JoseHeader& out) {
  std::string json;
  if (!base64url_decode(header_b64, json)) {
    return {VerifyError::malformed, "the header is not base64url"};
  }
  picojson::value doc;
  if (!parse_strict_json(json, doc) || !doc.is<picojson::object>()) {
    return {VerifyError::malformed, "the header is not a JSON object"};
  }
  const auto& header = doc.get<picojson::object>();
  if (header.count("crit") != 0) {
    return {VerifyError::malformed, "the header names critical extensions"};
  }
  auto alg = header.find("alg");
  if (alg == header.end() || !alg->second.is<std::string>()) {
    return {VerifyError::malformed, "the header has no alg"};
  }
  const std::string& name = alg->second.get<std::string>();
  if (name == "none") return {VerifyError::unsupported_alg, "unsecured tokens are refused"};
  out.alg = find_algorithm(name);
  if (out.alg == nullptr) return {VerifyError::unsupported_alg, "the algorithm is not supported"};
  auto kid = header.find("kid");
  out.has_kid = kid != header.end();
  if (out.has_kid) {
    if (!kid->second.is<std::string>()) return {VerifyError::malformed, "kid is not a string"};
    out.kid = kid->second.get<std::string>();
  }
  return {};
}

}  // namespace weir::jwt

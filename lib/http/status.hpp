// Reason phrases for the status codes the gateway itself produces.
#pragma once

#include <string_view>

namespace weir::http {

std::string_view reason_phrase(int status) noexcept;

}  // namespace weir::http

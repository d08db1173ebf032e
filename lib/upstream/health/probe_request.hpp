// The bytes of an HTTP health probe and the reading of its answer: a GET
// with `Connection: close`, judged by the status line alone (RFC 9112 4),
// so a probe never reads or buffers a body.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "weir/config.hpp"

namespace weir::upstream::health {

// "GET path HTTP/1.1" with Host, User-Agent and Connection: close.
std::string probe_request(std::string_view path, std::string_view host);

// The status line's code: >= 0 once a whole line is in `data`,
// kIncomplete before, kMalformed when it is not an HTTP/1.x status line.
inline constexpr int kIncomplete = -1;
inline constexpr int kMalformed = -2;
int parse_status_line(const char* data, size_t len) noexcept;

// Whether `status` is one the check accepts (empty list: 200..399).
bool status_expected(const std::vector<StatusRange>& expect, int status) noexcept;

}  // namespace weir::upstream::health

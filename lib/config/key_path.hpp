// Key paths name the place of a value in the config document, the way error
// messages print it: `routes[2].match.path`, `upstreams.users.endpoints[0]`.
// Keys that are not plain identifiers are quoted: `upstreams["a b"]`.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace weir::config {

// `parent.key`, or `parent["key"]` when the key holds other characters than
// letters, digits, '-' and '_'. An empty parent is the document root.
std::string member_path(std::string_view parent, std::string_view key);
// `parent[index]`.
std::string index_path(std::string_view parent, size_t index);
// "path: message"; an empty path prints as `(root)`.
std::string path_error(std::string_view path, std::string_view message);
// A double-quoted, escaped and length-bounded copy of untrusted text, safe to
// print in one line of an error message.
std::string quoted(std::string_view text);

}  // namespace weir::config

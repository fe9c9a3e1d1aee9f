#pragma once
// Dotted paths into a parsed JSON document ("data.items", "meta.next_cursor") and RFC 8288
// Link headers: how an HTTP source finds its records and its next page.

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mlops {

/// The value at `path` ("" is the document itself), or nullptr when a step is missing or goes
/// through something that is not an object.
const nlohmann::json* json_at(const nlohmann::json& document, std::string_view path);
/// The target of the first link with relation `rel` ("next") among Link header values
/// (`<https://x/items?page=2>; rel="next", <...>; rel="last"`); relations are compared
/// case-insensitively and a rel may list several ("next last").
std::optional<std::string> link_target(const std::vector<std::string>& link_headers,
                                       std::string_view rel);

}  // namespace mlops

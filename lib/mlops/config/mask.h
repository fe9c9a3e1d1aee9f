#pragma once
// Hiding secrets in printed and hashed config: values under secret keys and passwords in URLs.

#include <string>
#include <string_view>

namespace mlops::config_detail {

/// What a secret value is printed as.
inline constexpr std::string_view kMask = "****";

/// Replaces the password of every "scheme://user:password@" in `text` with kMask.
std::string mask_url_passwords(std::string_view text);

/// `text` as a double-quoted string with backslash escapes (valid YAML and JSON).
std::string double_quote(std::string_view text);

}  // namespace mlops::config_detail

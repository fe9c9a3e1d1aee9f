#pragma once
// Hiding secrets in printed and hashed config: values under secret keys, values interpolated
// from the environment, passwords in URLs and credential query parameters.

#include <string>
#include <string_view>

#include "mlops/core/secret_mask.h"

namespace mlops::config_detail {

/// What a secret value is printed as.
inline constexpr std::string_view kMask = kSecretMask;

/// `text` as printed: every registered secret (see interpolate), URL userinfo password and
/// credential query parameter value replaced by kMask; the one function every writer uses.
inline std::string mask_text(std::string_view text) {
  return mask_secrets(text);
}

/// `text` as a double-quoted string with backslash escapes (valid YAML and JSON).
std::string double_quote(std::string_view text);

}  // namespace mlops::config_detail

#pragma once
// Hiding secrets in everything written or printed: values registered as secret (those that came
// from the environment through ${VAR} interpolation), URL userinfo passwords, and the values of
// known credential query parameters. One function, used by the logger and every text writer.

#include <string>
#include <string_view>

namespace mlops {

/// What a secret value is printed as.
inline constexpr std::string_view kSecretMask = "****";

/// Shortest value register_secret() accepts: masking "1" or "no" everywhere would garble every
/// line while hiding nothing worth hiding.
inline constexpr size_t kMinSecretLength = 4;

/// Remembers `value` for the rest of the process so that mask_secrets() hides it wherever it
/// appears; values shorter than kMinSecretLength are ignored. Thread-safe.
void register_secret(std::string_view value);

/// Forgets every registered secret (tests).
void clear_secrets();

/// `text` with every registered secret, every "scheme://user:PASSWORD@" password and the value
/// of every credential query parameter ("?" or "&" then password, passwd, api_key, apikey,
/// api-key, token, access_token, auth_token, secret, client_secret, key; names
/// case-insensitive) and of every libpq keyword/value "password=" or "passwd=" (at the start
/// or after a space) replaced by kSecretMask. Text holding none of them comes back unchanged.
std::string mask_secrets(std::string_view text);

}  // namespace mlops

#pragma once
// The optional bearer token (serve.token): every request but /healthz carries
// `Authorization: Bearer <token>`. The comparison takes the same time whatever the header
// holds (no early exit on the first differing byte, none on the length), so timing tells an
// attacker nothing about the token.

#include <string_view>

namespace mlops {

/// True when `token` is empty (authentication off) or `authorization` is exactly
/// "Bearer <token>" (the scheme case-insensitive, as RFC 7235 says).
bool bearer_authorized(std::string_view authorization, std::string_view token);

/// Byte-wise equality in time that depends only on b's length.
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace mlops

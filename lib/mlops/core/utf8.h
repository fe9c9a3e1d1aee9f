#pragma once
// UTF-8 validation (RFC 3629, as nlohmann's JSON writer requires it: no overlong forms, no
// surrogates, nothing above U+10FFFF), so input text can be refused or repaired where it comes
// in, naming the offending byte, instead of failing later when it is written as JSON.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace mlops {

/// The offset of the first byte of `text` that does not start or continue a valid UTF-8
/// sequence (the lead byte of a truncated one); nullopt when the whole text is valid.
std::optional<size_t> find_invalid_utf8(std::string_view text);

/// `text` with each invalid byte replaced by U+FFFD (as nlohmann's error_handler replace does).
std::string replace_invalid_utf8(std::string_view text);

}  // namespace mlops

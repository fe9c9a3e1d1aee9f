#pragma once
// Splits expression text into tokens: numbers, 'strings', names, `quoted names`, operators.

#include <string>
#include <string_view>
#include <vector>

namespace mlops {

/// One token and where it starts.
struct ExprToken {
  enum class Kind { kNumber, kString, kName, kQuotedName, kSymbol, kEnd };
  Kind kind = Kind::kEnd;
  std::string text;     // the number as written, the unescaped string or name, or the symbol
  size_t position = 1;  // 1-based character where the token starts
};

/// Tokens of `text`, ending with a kEnd token. Throws ConfigError "expression '<text>': <what>
/// at character N" for an unterminated string or quoted name and for a character that starts
/// no token (with a hint for `&&`, `||`, `!` and `=`).
std::vector<ExprToken> tokenize_expression(std::string_view text);

}  // namespace mlops

#include "mlops/expr/lexer.h"

#include <cctype>

#include "mlops/core/error.h"

namespace mlops {

namespace {

bool is_name_start(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) || c == '_';
}
bool is_name_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}
bool is_digit(char c) {
  return std::isdigit(static_cast<unsigned char>(c)) != 0;
}

[[noreturn]] void fail(std::string_view text, size_t at, const std::string& what) {
  throw ConfigError("expression '{}': {} at character {}", text, what, at + 1);
}

/// Reads a quoted string or name starting at text[at] (the opening quote); escapes: \<quote>
/// and \\. Returns the unescaped contents and moves `at` past the closing quote.
std::string read_quoted(std::string_view text, size_t& at, const char* what) {
  const char quote = text[at];
  const size_t start = at++;
  std::string out;
  while (at < text.size() && text[at] != quote) {
    if (text[at] == '\\' && at + 1 < text.size() &&
        (text[at + 1] == quote || text[at + 1] == '\\')) {
      ++at;
    }
    out += text[at++];
  }
  if (at >= text.size()) fail(text, start, fmt::format("unterminated {}", what));
  ++at;  // closing quote
  return out;
}

}  // namespace

std::vector<ExprToken> tokenize_expression(std::string_view text) {
  std::vector<ExprToken> tokens;
  size_t at = 0;
  while (true) {
    while (at < text.size() && std::isspace(static_cast<unsigned char>(text[at]))) ++at;
    ExprToken token;
    token.position = at + 1;
    if (at >= text.size()) {
      tokens.push_back(std::move(token));
      return tokens;
    }
    const char c = text[at];
    if (is_digit(c) || (c == '.' && at + 1 < text.size() && is_digit(text[at + 1]))) {
      const size_t start = at;
      while (at < text.size() && (is_digit(text[at]) || text[at] == '.')) ++at;
      if (at < text.size() && (text[at] == 'e' || text[at] == 'E')) {
        size_t exponent = at + 1;
        if (exponent < text.size() && (text[exponent] == '+' || text[exponent] == '-')) ++exponent;
        if (exponent < text.size() && is_digit(text[exponent])) {
          at = exponent;
          while (at < text.size() && is_digit(text[at])) ++at;
        }
      }
      if (at < text.size() && is_name_char(text[at])) {
        fail(text, at, fmt::format("unexpected '{}' after a number", text[at]));
      }
      token.kind = ExprToken::Kind::kNumber;
      token.text = std::string(text.substr(start, at - start));
    } else if (is_name_start(c)) {
      const size_t start = at;
      while (at < text.size() && is_name_char(text[at])) ++at;
      token.kind = ExprToken::Kind::kName;
      token.text = std::string(text.substr(start, at - start));
    } else if (c == '\'' || c == '"') {
      token.kind = ExprToken::Kind::kString;
      token.text = read_quoted(text, at, "string");
    } else if (c == '`') {
      token.kind = ExprToken::Kind::kQuotedName;
      token.text = read_quoted(text, at, "`quoted column name`");
    } else {
      const std::string_view two = text.substr(at, 2);
      token.kind = ExprToken::Kind::kSymbol;
      if (two == "<=" || two == ">=" || two == "==" || two == "!=") {
        token.text = std::string(two);
        at += 2;
      } else if (two == "&&" || two == "||") {
        fail(text, at, fmt::format("unexpected '{}' (use '{}')", two, two == "&&" ? "and" : "or"));
      } else if (std::string_view("+-*/%^<>(),").find(c) != std::string_view::npos) {
        token.text = std::string(1, c);
        ++at;
      } else if (c == '=') {
        fail(text, at, "unexpected '=' (use '==' to compare)");
      } else if (c == '!') {
        fail(text, at, "unexpected '!' (use 'not')");
      } else {
        fail(text, at, fmt::format("unexpected '{}'", c));
      }
    }
    tokens.push_back(std::move(token));
  }
}

}  // namespace mlops

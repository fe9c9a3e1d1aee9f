#include "mlops/notebook/code_highlight.h"

#include <algorithm>
#include <array>
#include <cctype>

#include "mlops/core/escape.h"

namespace mlops {

namespace {

constexpr std::array<std::string_view, 35> kKeywords{
    "False", "None",     "True",  "and",    "as",   "assert", "async",  "await",    "break",
    "class", "continue", "def",   "del",    "elif", "else",   "except", "finally",  "for",
    "from",  "global",   "if",    "import", "in",   "is",     "lambda", "nonlocal", "not",
    "or",    "pass",     "raise", "return", "try",  "while",  "with",   "yield"};

constexpr std::array<std::string_view, 24> kBuiltins{
    "abs",   "all",        "any",   "bool", "dict",   "enumerate", "filter", "float",
    "int",   "isinstance", "len",   "list", "map",    "max",       "min",    "open",
    "print", "range",      "round", "set",  "sorted", "str",       "sum",    "zip"};

bool is_identifier_start(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) || c == '_' ||
         static_cast<unsigned char>(c) >= 0x80;
}
bool is_identifier_char(char c) {
  return is_identifier_start(c) || std::isdigit(static_cast<unsigned char>(c));
}

class Highlighter {
 public:
  explicit Highlighter(std::string_view code) : code_(code) {}

  std::string run() {
    while (i_ < code_.size()) step();
    return std::move(out_);
  }

 private:
  void span(const char* css, size_t end) {
    out_ += "<span class=\"";
    out_ += css;
    out_ += "\">";
    out_ += html_escape(code_.substr(i_, end - i_));
    out_ += "</span>";
    i_ = end;
  }

  size_t line_end() const { return std::min(code_.find('\n', i_), code_.size()); }

  bool at_line_start() const {
    for (size_t j = i_; j > 0; --j) {
      if (code_[j - 1] == '\n') return true;
      if (code_[j - 1] != ' ' && code_[j - 1] != '\t') return false;
    }
    return true;
  }

  void step() {
    const char c = code_[i_];
    if (c == '#') return span("c", line_end());
    if ((c == '%' || c == '!') && at_line_start()) return span("m", line_end());
    if (c == '@' && at_line_start()) {
      size_t end = i_ + 1;
      while (end < code_.size() && (is_identifier_char(code_[end]) || code_[end] == '.')) ++end;
      return span("d", end);
    }
    if (c == '"' || c == '\'') return span("s", string_end(i_));
    if (std::isdigit(static_cast<unsigned char>(c))) {
      size_t end = i_;
      while (end < code_.size() && (is_identifier_char(code_[end]) || code_[end] == '.')) ++end;
      return span("n", end);
    }
    if (is_identifier_start(c)) return word();
    out_ += html_escape(code_.substr(i_++, 1));
  }

  void word() {
    size_t end = i_;
    while (end < code_.size() && is_identifier_char(code_[end])) ++end;
    const std::string_view name = code_.substr(i_, end - i_);
    // String prefixes: r"", b'', f"", rb"" ...
    if (end < code_.size() && (code_[end] == '"' || code_[end] == '\'') && name.size() <= 2 &&
        name.find_first_not_of("rRbBuUfF") == std::string_view::npos) {
      return span("s", string_end(end));
    }
    if (std::find(kKeywords.begin(), kKeywords.end(), name) != kKeywords.end()) {
      return span("k", end);
    }
    if (std::find(kBuiltins.begin(), kBuiltins.end(), name) != kBuiltins.end()) {
      return span("b", end);
    }
    out_ += html_escape(name);
    i_ = end;
  }

  /// The end of the string literal whose quote is at `quote`: triple-quoted strings may span
  /// lines, others end at their line's end when left open.
  size_t string_end(size_t quote) const {
    const char q = code_[quote];
    const bool triple = code_.substr(quote, 3) == std::string(3, q);
    for (size_t j = quote + (triple ? 3 : 1); j < code_.size(); ++j) {
      if (code_[j] == '\\') {
        ++j;
      } else if (!triple && code_[j] == '\n') {
        return j;
      } else if (code_[j] == q && (!triple || code_.substr(j, 3) == std::string(3, q))) {
        return j + (triple ? 3 : 1);
      }
    }
    return code_.size();
  }

  std::string_view code_;
  size_t i_ = 0;
  std::string out_;
};

}  // namespace

std::string highlight_python(std::string_view code) {
  return Highlighter(code).run();
}

}  // namespace mlops

#include "mlops/core/escape.h"

namespace mlops {

namespace {

/// Copies `text`, replacing each character for which `replacement` returns text.
template <typename Replacement>
std::string replace_chars(std::string_view text, Replacement replacement) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (const char* replaced = replacement(c)) {
      out += replaced;
    } else {
      out += c;
    }
  }
  return out;
}

const char* html_entity(char c) {
  switch (c) {
    case '&': return "&amp;";
    case '<': return "&lt;";
    case '>': return "&gt;";
    case '"': return "&quot;";
    case '\'': return "&#39;";
    default: return nullptr;
  }
}

const char* markdown_replacement(char c) {
  switch (c) {
    case '&':
    case '<':
    case '>': return html_entity(c);
    case '\n':
    case '\r': return " ";
    case '\\': return "\\\\";
    case '`': return "\\`";
    case '*': return "\\*";
    case '_': return "\\_";
    case '[': return "\\[";
    case ']': return "\\]";
    case '|': return "\\|";
    case '#': return "\\#";
    default: return nullptr;
  }
}

}  // namespace

std::string html_escape(std::string_view text) {
  return replace_chars(text, html_entity);
}

std::string markdown_escape(std::string_view text) {
  return replace_chars(text, markdown_replacement);
}

}  // namespace mlops

#include "mlops/notebook/markdown_inline.h"

#include <fmt/format.h>

#include <cctype>

#include "mlops/core/escape.h"

namespace mlops::markdown_detail {

namespace {

bool is_punctuation(char c) {
  return std::ispunct(static_cast<unsigned char>(c)) != 0;
}
bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}
bool is_word(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || static_cast<unsigned char>(c) >= 0x80;
}

size_t run_length(std::string_view text, size_t at) {
  size_t end = at;
  while (end < text.size() && text[end] == text[at]) ++end;
  return end - at;
}

/// The end of the code span opening at `at` (a backtick run), or npos when it is never closed.
size_t code_span_end(std::string_view text, size_t at) {
  const size_t open = run_length(text, at);
  for (size_t j = at + open; j < text.size();) {
    if (text[j] != '`') {
      ++j;
      continue;
    }
    const size_t close = run_length(text, j);
    if (close == open) return j + close;
    j += close;
  }
  return std::string_view::npos;
}

/// Where the delimiter run that closes `delimiter` (`*`, `**`, `_`, `__`, `~~`) starts, searching
/// from `from` and skipping code spans and escapes; npos when nothing closes it.
size_t find_closer(std::string_view text, size_t from, std::string_view delimiter) {
  const char d = delimiter[0];
  for (size_t j = from; j < text.size();) {
    if (text[j] == '\\') {
      j += 2;
    } else if (text[j] == '`') {
      const size_t end = code_span_end(text, j);
      j = end == std::string_view::npos ? j + run_length(text, j) : end;
    } else if (text[j] == d) {
      const size_t run = run_length(text, j);
      const bool fits = delimiter.size() == 1 ? run == 1 : run >= 2;
      const bool after_text = j > from && !is_space(text[j - 1]);
      const bool word_end = d != '_' || j + run >= text.size() || !is_word(text[j + run]);
      if (fits && after_text && word_end) return j;
      j += run;
    } else {
      ++j;
    }
  }
  return std::string_view::npos;
}

struct LinkParts {
  std::string_view label;
  std::string_view destination;
  size_t end = 0;  // just past ')'
};

/// Parses `[label](destination "title")` starting at the '['.
std::optional<LinkParts> parse_link(std::string_view text, size_t at) {
  int depth = 0;
  size_t close = std::string_view::npos;
  for (size_t j = at; j < text.size(); ++j) {
    if (text[j] == '\\') {
      ++j;
    } else if (text[j] == '[') {
      ++depth;
    } else if (text[j] == ']' && --depth == 0) {
      close = j;
      break;
    }
  }
  if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != '(') {
    return std::nullopt;
  }
  size_t j = close + 2;
  while (j < text.size() && is_space(text[j])) ++j;
  size_t dest_begin = j, dest_end = j;
  if (j < text.size() && text[j] == '<') {
    dest_begin = ++j;
    while (j < text.size() && text[j] != '>' && text[j] != '\n') ++j;
    if (j >= text.size() || text[j] != '>') return std::nullopt;
    dest_end = j++;
  } else {
    int parens = 0;
    while (j < text.size() && !is_space(text[j])) {
      if (text[j] == '(') ++parens;
      if (text[j] == ')' && parens-- == 0) break;
      ++j;
    }
    dest_end = j;
  }
  while (j < text.size() && is_space(text[j])) ++j;
  if (j < text.size() && (text[j] == '"' || text[j] == '\'')) {  // a title: parsed, not shown
    const size_t title_end = text.find(text[j], j + 1);
    if (title_end == std::string_view::npos) return std::nullopt;
    j = title_end + 1;
    while (j < text.size() && is_space(text[j])) ++j;
  }
  if (j >= text.size() || text[j] != ')') return std::nullopt;
  return LinkParts{text.substr(at + 1, close - at - 1),
                   text.substr(dest_begin, dest_end - dest_begin), j + 1};
}

/// Text of an image's alt: its label without markup characters.
std::string plain_text(std::string_view label) {
  std::string out;
  for (char c : label) {
    if (c != '*' && c != '_' && c != '`' && c != '[' && c != ']' && c != '\\') out += c;
  }
  return out;
}

class InlineRenderer {
 public:
  InlineRenderer(std::string_view text, const ImageResolver& images)
      : text_(text), images_(images) {}

  std::string render() {
    while (i_ < text_.size()) step();
    return std::move(out_);
  }

 private:
  void step() {
    const char c = text_[i_];
    switch (c) {
      case '\\': return escape();
      case '`': return code_span();
      case '!':
        if (i_ + 1 < text_.size() && text_[i_ + 1] == '[' && image()) return;
        break;
      case '[':
        if (link()) return;
        break;
      case '<':
        if (autolink()) return;
        break;
      case '*':
      case '_':
      case '~':
        if (emphasis()) return;
        literal(run_length(text_, i_));
        return;
      case ' ':
        if (hard_break()) return;
        break;
      case '\n': return soft_break();
      default: break;
    }
    literal(1);
  }

  void literal(size_t count) {
    out_ += html_escape(text_.substr(i_, count));
    i_ += count;
  }

  void escape() {
    if (i_ + 1 < text_.size() && is_punctuation(text_[i_ + 1])) {
      out_ += html_escape(text_.substr(i_ + 1, 1));
      i_ += 2;
    } else if (i_ + 1 < text_.size() && text_[i_ + 1] == '\n') {
      out_ += "<br>\n";
      i_ += 2;
    } else {
      literal(1);
    }
  }

  void code_span() {
    const size_t open = run_length(text_, i_);
    const size_t end = code_span_end(text_, i_);
    if (end == std::string_view::npos) return literal(open);
    std::string code(text_.substr(i_ + open, end - open - (i_ + open)));
    for (char& ch : code) ch = ch == '\n' ? ' ' : ch;
    if (code.size() >= 2 && code.front() == ' ' && code.back() == ' ' &&
        code.find_first_not_of(' ') != std::string::npos) {
      code = code.substr(1, code.size() - 2);
    }
    out_ += "<code>" + html_escape(code) + "</code>";
    i_ = end;
  }

  bool emphasis() {
    const char d = text_[i_];
    const size_t run = run_length(text_, i_);
    const size_t after = i_ + run;
    if (after >= text_.size() || is_space(text_[after])) return false;
    if (d == '_' && i_ > 0 && is_word(text_[i_ - 1])) return false;  // snake_case stays text
    struct Kind {
      std::string_view delimiter, tag;
    };
    const Kind strong{d == '*' ? "**" : d == '_' ? "__" : "~~", d == '~' ? "del" : "strong"};
    const Kind em{d == '*' ? "*" : "_", "em"};
    for (const Kind& kind : {strong, em}) {
      if (run < kind.delimiter.size() || (d == '~' && kind.tag == "em")) continue;
      const size_t inner = i_ + kind.delimiter.size();
      const size_t close = find_closer(text_, inner, kind.delimiter);
      if (close == std::string_view::npos) continue;
      out_ += fmt::format("<{}>{}</{}>", kind.tag,
                          render_inline(text_.substr(inner, close - inner), images_), kind.tag);
      i_ = close + kind.delimiter.size();
      return true;
    }
    return false;
  }

  bool link() {
    const auto parts = parse_link(text_, i_);
    if (!parts) return false;
    const std::string label = render_inline(parts->label, images_);
    if (is_safe_link(parts->destination)) {
      out_ += fmt::format(R"(<a href="{}">{}</a>)", html_escape(parts->destination), label);
    } else {
      out_ += label;  // a javascript: or other unsafe target loses its link, keeps its text
    }
    i_ = parts->end;
    return true;
  }

  bool image() {
    const auto parts = parse_link(text_, i_ + 1);
    if (!parts) return false;
    const std::string alt = html_escape(plain_text(parts->label));
    std::optional<std::string> source;
    if (is_data_image(parts->destination)) {
      source = std::string(parts->destination);
    } else if (images_) {
      source = images_(parts->destination);
      if (source && !is_data_image(*source)) source.reset();
    }
    if (source) {
      out_ += fmt::format(R"(<img src="{}" alt="{}">)", html_escape(*source), alt);
    } else if (is_safe_link(parts->destination)) {
      // A page that must stand alone does not fetch images: link to it instead.
      out_ += fmt::format(R"(<a class="image-link" href="{}">{}</a>)",
                          html_escape(parts->destination), alt.empty() ? "image" : alt);
    } else {
      out_ += alt;
    }
    i_ = parts->end;
    return true;
  }

  bool autolink() {
    const size_t close = text_.find('>', i_);
    if (close == std::string_view::npos) return false;
    const std::string_view url = text_.substr(i_ + 1, close - i_ - 1);
    const bool has_scheme =
        url.starts_with("http://") || url.starts_with("https://") || url.starts_with("mailto:");
    if (!has_scheme || url.find_first_of(" <\n") != std::string_view::npos) return false;
    out_ += fmt::format(R"(<a href="{0}">{0}</a>)", html_escape(url));
    i_ = close + 1;
    return true;
  }

  bool hard_break() {
    const size_t spaces = run_length(text_, i_);
    const size_t after = i_ + spaces;
    if (after == text_.size()) {  // trailing spaces of the block
      i_ = after;
    } else if (text_[after] == '\n') {
      out_ += spaces >= 2 ? "<br>\n" : "\n";
      i_ = after + 1;
    } else {
      out_.append(spaces, ' ');
      i_ = after;
    }
    return true;
  }

  void soft_break() {
    out_ += '\n';
    ++i_;
  }

  std::string_view text_;
  const ImageResolver& images_;
  size_t i_ = 0;
  std::string out_;
};

}  // namespace

std::string render_inline(std::string_view text, const ImageResolver& images) {
  return InlineRenderer(text, images).render();
}

bool is_safe_link(std::string_view url) {
  if (url.empty()) return false;
  for (char c : url) {
    if (static_cast<unsigned char>(c) < 0x20 || c == ' ') return false;
  }
  const size_t colon = url.find(':');
  const size_t path_start = url.find_first_of("/?#");
  if (colon == std::string_view::npos ||
      (path_start != std::string_view::npos && path_start < colon)) {
    return true;  // relative: no scheme
  }
  std::string scheme;
  for (char c : url.substr(0, colon))
    scheme += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return scheme == "http" || scheme == "https" || scheme == "mailto";
}

bool is_data_image(std::string_view url) {
  static constexpr std::string_view kTypes[] = {"png", "jpeg", "gif", "webp", "svg+xml"};
  if (!url.starts_with("data:image/")) return false;
  url.remove_prefix(11);
  bool known = false;
  for (std::string_view type : kTypes) {
    if (url.starts_with(type) && url.substr(type.size()).starts_with(";base64,")) {
      url.remove_prefix(type.size() + 8);
      known = true;
      break;
    }
  }
  if (!known || url.empty()) return false;
  for (char c : url) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '/' && c != '=') {
      return false;
    }
  }
  return true;
}

}  // namespace mlops::markdown_detail

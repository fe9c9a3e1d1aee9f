#include "mlops/notebook/markdown.h"

#include <fmt/format.h>

#include <cctype>
#include <optional>
#include <vector>

#include "mlops/notebook/code_highlight.h"
#include "mlops/core/escape.h"
#include "mlops/notebook/markdown_inline.h"

namespace mlops {

namespace {

using Lines = std::vector<std::string>;
using markdown_detail::render_inline;

size_t indent_of(std::string_view line) {
  size_t n = 0;
  while (n < line.size() && line[n] == ' ') ++n;
  return n;
}

bool is_blank(std::string_view line) {
  return line.find_first_not_of(" \t\r") == std::string_view::npos;
}

std::string_view trim(std::string_view text) {
  const size_t begin = text.find_first_not_of(" \t\r");
  if (begin == std::string_view::npos) return {};
  const size_t end = text.find_last_not_of(" \t\r");
  return text.substr(begin, end - begin + 1);
}

/// `line` without its first `count` columns of indentation (fewer when it has fewer).
std::string dedent(std::string_view line, size_t count) {
  return std::string(line.substr(std::min(count, indent_of(line))));
}

/// Tabs in the indentation count as four spaces; line ends lose their \r.
Lines split_lines(std::string_view text) {
  Lines lines;
  while (true) {
    const size_t end = text.find('\n');
    std::string_view raw = text.substr(0, end);
    if (!raw.empty() && raw.back() == '\r') raw.remove_suffix(1);
    std::string line;
    size_t i = 0;
    for (; i < raw.size() && (raw[i] == ' ' || raw[i] == '\t'); ++i) {
      line.append(raw[i] == '\t' ? 4 : 1, ' ');
    }
    line.append(raw.substr(i));
    lines.push_back(std::move(line));
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return lines;
}

bool is_thematic_break(std::string_view line) {
  if (indent_of(line) > 3) return false;
  const std::string_view body = trim(line);
  if (body.empty() || (body[0] != '-' && body[0] != '*' && body[0] != '_')) return false;
  size_t marks = 0;
  for (char c : body) {
    if (c == body[0]) {
      ++marks;
    } else if (c != ' ') {
      return false;
    }
  }
  return marks >= 3;
}

struct Fence {
  char symbol;
  size_t length;
  size_t indent;
  std::string info;
};

std::optional<Fence> fence_open(std::string_view line) {
  const size_t indent = indent_of(line);
  if (indent > 3 || indent >= line.size()) return std::nullopt;
  const char symbol = line[indent];
  if (symbol != '`' && symbol != '~') return std::nullopt;
  size_t length = 0;
  while (indent + length < line.size() && line[indent + length] == symbol) ++length;
  if (length < 3) return std::nullopt;
  const std::string_view info = trim(line.substr(indent + length));
  if (symbol == '`' && info.find('`') != std::string_view::npos) return std::nullopt;
  return Fence{symbol, length, indent, std::string(info.substr(0, info.find(' ')))};
}

bool closes_fence(std::string_view line, const Fence& fence) {
  if (indent_of(line) > 3) return false;
  const std::string_view body = trim(line);
  return body.size() >= fence.length && body.find_first_not_of(fence.symbol) == std::string::npos;
}

/// The level (1-6) of an ATX heading, with its text in `content`; 0 when `line` is not one.
int atx_heading(std::string_view line, std::string_view& content) {
  if (indent_of(line) > 3) return 0;
  std::string_view body = trim(line);
  int level = 0;
  while (level < static_cast<int>(body.size()) && body[level] == '#') ++level;
  if (level == 0 || level > 6 || (level < static_cast<int>(body.size()) && body[level] != ' ')) {
    return 0;
  }
  body = trim(body.substr(level));
  // A closing run of #s preceded by a space is not part of the text.
  const size_t hashes = body.find_last_not_of('#');
  if (hashes == std::string_view::npos) {
    body = {};
  } else if (hashes + 1 < body.size() && body[hashes] == ' ') {
    body = trim(body.substr(0, hashes));
  }
  content = body;
  return level;
}

/// 1 for a `===` underline, 2 for `---`, 0 otherwise.
int setext_level(std::string_view line) {
  if (indent_of(line) > 3) return 0;
  const std::string_view body = trim(line);
  if (body.empty() || body.find_first_not_of(body[0]) != std::string_view::npos) return 0;
  return body[0] == '=' ? 1 : body[0] == '-' ? 2 : 0;
}

bool is_quote(std::string_view line) {
  return indent_of(line) <= 3 && indent_of(line) < line.size() && line[indent_of(line)] == '>';
}

struct ListMarker {
  bool ordered = false;
  char symbol = '-';  // - * + for bullets, . or ) for ordered lists
  int start = 1;
  size_t content_indent = 0;  // the column where the item's text starts
  bool empty = false;         // nothing after the marker
};

std::optional<ListMarker> list_marker(std::string_view line) {
  const size_t indent = indent_of(line);
  if (indent > 3 || indent >= line.size()) return std::nullopt;
  ListMarker marker;
  size_t pos = indent;
  if (line[pos] == '-' || line[pos] == '*' || line[pos] == '+') {
    marker.symbol = line[pos++];
  } else {
    size_t digits = 0;
    while (pos < line.size() && std::isdigit(static_cast<unsigned char>(line[pos])) && digits < 9) {
      ++pos;
      ++digits;
    }
    if (digits == 0 || pos >= line.size() || (line[pos] != '.' && line[pos] != ')')) {
      return std::nullopt;
    }
    marker.ordered = true;
    marker.start = std::stoi(std::string(line.substr(indent, digits)));
    marker.symbol = line[pos++];
  }
  if (pos < line.size() && line[pos] != ' ') return std::nullopt;
  const size_t spaces = indent_of(line.substr(pos));
  marker.empty = pos + spaces >= line.size();
  marker.content_indent = marker.empty || spaces > 4 ? pos + 1 : pos + spaces;
  return marker;
}

bool same_list(const ListMarker& a, const ListMarker& b) {
  return a.ordered == b.ordered && a.symbol == b.symbol;
}

std::vector<std::string> split_row(std::string_view line) {
  std::string_view body = trim(line);
  if (!body.empty() && body.front() == '|') body.remove_prefix(1);
  if (!body.empty() && body.back() == '|' && !(body.size() >= 2 && body[body.size() - 2] == '\\')) {
    body.remove_suffix(1);
  }
  std::vector<std::string> cells;
  std::string cell;
  for (size_t i = 0; i < body.size(); ++i) {
    if (body[i] == '\\' && i + 1 < body.size() && body[i + 1] == '|') {
      cell += "\\|";
      ++i;
    } else if (body[i] == '|') {
      cells.emplace_back(trim(cell));
      cell.clear();
    } else {
      cell += body[i];
    }
  }
  cells.emplace_back(trim(cell));
  return cells;
}

/// The alignment of each column ("", "left", "center", "right") when `line` is a table's
/// delimiter row (`| --- | :-: |`); nullopt otherwise.
std::optional<std::vector<std::string>> table_alignments(std::string_view line) {
  if (line.find('-') == std::string_view::npos) return std::nullopt;
  std::vector<std::string> alignments;
  for (const std::string& cell : split_row(line)) {
    const std::string_view body = trim(cell);
    const bool left = body.starts_with(':'), right = body.ends_with(':');
    const std::string_view dashes = body.substr(left, body.size() - left - right);
    if (dashes.empty() || dashes.find_first_not_of('-') != std::string_view::npos) {
      return std::nullopt;
    }
    alignments.push_back(left && right ? "center" : right ? "right" : left ? "left" : "");
  }
  return alignments;
}

/// An id for a heading, so `[see](#results)` links work: lower case, spaces as dashes.
std::string slug(std::string_view text) {
  std::string id;
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (std::isalnum(byte) || byte >= 0x80 || c == '-' || c == '_') {
      id += static_cast<char>(std::tolower(byte));
    } else if (c == ' ' && !id.empty() && id.back() != '-') {
      id += '-';
    }
  }
  while (!id.empty() && id.back() == '-') id.pop_back();
  return id;
}

/// The lines of a paragraph without their indentation, joined by newlines.
std::string paragraph_text(const Lines& lines) {
  std::string text;
  for (const auto& line : lines) {
    if (!text.empty()) text += '\n';
    text.append(line, indent_of(line));
  }
  return text;
}

std::string code_block(const Lines& lines, const std::string& language) {
  std::string code;
  for (const auto& line : lines) code += line + "\n";
  const bool python = language == "python" || language == "py" || language == "python3" ||
                      language == "ipython" || language == "ipython3";
  const std::string css =
      language.empty() ? "" : " class=\"language-" + html_escape(language) + "\"";
  return fmt::format("<pre><code{}>{}</code></pre>\n", css,
                     python ? highlight_python(code) : html_escape(code));
}

class BlockRenderer {
 public:
  explicit BlockRenderer(const ImageResolver& images) : images_(images) {}

  /// Renders `lines`; `tight` list items show their paragraphs without <p>.
  std::string render(const Lines& lines, bool tight) {
    std::string out;
    Lines paragraph;
    auto flush = [&] {
      if (paragraph.empty()) return;
      const std::string html = render_inline(paragraph_text(paragraph), images_);
      out += tight ? html + "\n" : "<p>" + html + "</p>\n";
      paragraph.clear();
    };
    size_t i = 0;
    while (i < lines.size()) {
      const std::string& line = lines[i];
      std::string_view heading_text;
      if (is_blank(line)) {
        flush();
        ++i;
      } else if (paragraph.empty() && indent_of(line) >= 4) {
        i = indented_code(lines, i, out);
      } else if (!paragraph.empty() && setext_level(line) > 0) {
        out += heading(setext_level(line), paragraph_text(paragraph));
        paragraph.clear();
        ++i;
      } else if (auto fence = fence_open(line)) {
        flush();
        i = fenced_code(lines, i, *fence, out);
      } else if (int level = atx_heading(line, heading_text)) {
        flush();
        out += heading(level, heading_text);
        ++i;
      } else if (is_thematic_break(line)) {
        flush();
        out += "<hr>\n";
        ++i;
      } else if (is_quote(line)) {
        flush();
        i = block_quote(lines, i, out);
      } else if (auto marker = list_marker(line);
                 marker && (paragraph.empty() || (!marker->empty && marker->start == 1))) {
        flush();
        i = list(lines, i, *marker, out);
      } else if (paragraph.empty() && i + 1 < lines.size() && line.find('|') != std::string::npos &&
                 table_alignments(lines[i + 1]) &&
                 table_alignments(lines[i + 1])->size() == split_row(line).size()) {
        i = table(lines, i, out);
      } else {
        paragraph.push_back(line);
        ++i;
      }
    }
    flush();
    return out;
  }

 private:
  /// True when `line` starts a block that ends a paragraph (so it is no lazy continuation).
  static bool starts_block(std::string_view line) {
    std::string_view ignored;
    return fence_open(line) || atx_heading(line, ignored) || is_thematic_break(line) ||
           is_quote(line) || list_marker(line);
  }

  std::string heading(int level, std::string_view text) {
    return fmt::format("<h{0} id=\"{1}\">{2}</h{0}>\n", level, html_escape(slug(text)),
                       render_inline(text, images_));
  }

  size_t indented_code(const Lines& lines, size_t i, std::string& out) {
    Lines code;
    while (i < lines.size() && (is_blank(lines[i]) || indent_of(lines[i]) >= 4)) {
      code.push_back(dedent(lines[i++], 4));
    }
    while (!code.empty() && is_blank(code.back())) code.pop_back();
    out += code_block(code, "");
    return i;
  }

  size_t fenced_code(const Lines& lines, size_t i, const Fence& fence, std::string& out) {
    Lines code;
    for (++i; i < lines.size() && !closes_fence(lines[i], fence); ++i) {
      code.push_back(dedent(lines[i], fence.indent));
    }
    out += code_block(code, fence.info);
    return i < lines.size() ? i + 1 : i;  // past the closing fence, if any
  }

  size_t block_quote(const Lines& lines, size_t i, std::string& out) {
    Lines quoted;
    for (; i < lines.size() && !is_blank(lines[i]); ++i) {
      std::string_view line = lines[i];
      if (is_quote(line)) {
        line.remove_prefix(indent_of(line) + 1);
        if (!line.empty() && line[0] == ' ') line.remove_prefix(1);
      } else if (starts_block(line)) {
        break;
      }  // else a lazy continuation of the quoted paragraph
      quoted.emplace_back(line);
    }
    out += "<blockquote>\n" + render(quoted, false) + "</blockquote>\n";
    return i;
  }

  size_t list(const Lines& lines, size_t i, ListMarker marker, std::string& out) {
    std::vector<Lines> items;
    bool loose = false;
    const ListMarker first = marker;
    while (true) {
      Lines item{lines[i].size() > marker.content_indent ? lines[i].substr(marker.content_indent)
                                                         : ""};
      size_t blanks = 0;  // blank lines just read
      for (++i; i < lines.size(); ++i) {
        const std::string& line = lines[i];
        if (is_blank(line)) {
          ++blanks;
          item.emplace_back();
          continue;
        }
        if (indent_of(line) >= marker.content_indent) {
          if (blanks > 0 && !is_blank(item.front())) loose = loose || !nested_list_follows(line);
          item.push_back(line.substr(marker.content_indent));
        } else if (blanks == 0 && !starts_block(line)) {
          item.push_back(line);  // a lazy continuation line
        } else {
          break;
        }
        blanks = 0;
      }
      while (!item.empty() && is_blank(item.back())) item.pop_back();
      items.push_back(std::move(item));
      const auto next = i < lines.size() && !is_thematic_break(lines[i])
                            ? list_marker(lines[i])
                            : std::optional<ListMarker>();
      if (!next || !same_list(*next, marker)) break;
      loose = loose || blanks > 0;
      marker = *next;
    }
    const std::string open = !first.ordered     ? "<ul>"
                             : first.start == 1 ? "<ol>"
                                                : fmt::format("<ol start=\"{}\">", first.start);
    out += open + "\n";
    for (const auto& item : items) out += "<li>" + render(item, !loose) + "</li>\n";
    out += first.ordered ? "</ol>\n" : "</ul>\n";
    return i;
  }

  /// A nested list after a blank line does not make its parent list loose.
  static bool nested_list_follows(std::string_view line) {
    return list_marker(line.substr(indent_of(line))).has_value();
  }

  size_t table(const Lines& lines, size_t i, std::string& out) {
    const std::vector<std::string> header = split_row(lines[i]);
    const std::vector<std::string> alignments = *table_alignments(lines[i + 1]);
    auto row = [&](const std::vector<std::string>& cells, const char* tag) {
      std::string html = "<tr>";
      for (size_t c = 0; c < header.size(); ++c) {
        const std::string style =
            alignments[c].empty() ? "" : fmt::format(" style=\"text-align:{}\"", alignments[c]);
        html += fmt::format("<{0}{1}>{2}</{0}>", tag, style,
                            c < cells.size() ? render_inline(cells[c], images_) : "");
      }
      return html + "</tr>\n";
    };
    out += "<table>\n<thead>\n" + row(header, "th") + "</thead>\n<tbody>\n";
    for (i += 2; i < lines.size() && !is_blank(lines[i]) && lines[i].find('|') != std::string::npos;
         ++i) {
      out += row(split_row(lines[i]), "td");
    }
    out += "</tbody>\n</table>\n";
    return i;
  }

  const ImageResolver& images_;
};

}  // namespace

std::string markdown_to_html(std::string_view markdown, const ImageResolver& images) {
  return BlockRenderer(images).render(split_lines(markdown), false);
}

}  // namespace mlops

#pragma once
// A small, safe Markdown renderer for notebook cells: the CommonMark blocks and inlines that
// notebooks use, plus GitHub tables and strikethrough. Safe means the output cannot run
// anything: all text is escaped, raw HTML is shown as text, links keep only http(s), mailto,
// relative and #anchor targets, and images only data: URIs.

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace mlops {

/// Maps an image source that is not a data: URI (such as `attachment:plot.png`) to a data: URI
/// to show; nullopt shows the image as a link to its source instead.
using ImageResolver = std::function<std::optional<std::string>(std::string_view source)>;

/// HTML for `markdown`: ATX and setext headings (with ids), paragraphs, hard breaks, emphasis,
/// strong, ~~strikethrough~~, code spans, fenced and indented code (Python highlighted), bullet
/// and ordered lists (nested), block quotes, thematic breaks, tables, links, autolinks, images.
std::string markdown_to_html(std::string_view markdown, const ImageResolver& images = {});

}  // namespace mlops

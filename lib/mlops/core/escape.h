#pragma once
// Escaping for the two text formats of the report: HTML and (GitHub-flavoured) Markdown.

#include <string>
#include <string_view>

namespace mlops {

/// Escapes &, <, >, " and ' so any value taken from data is safe inside HTML text or attributes.
std::string html_escape(std::string_view text);
/// Makes text safe inside a Markdown table cell: markup characters are backslash-escaped, |
/// cannot end the cell, <, > and & are entities (GitHub renders inline HTML), and line breaks
/// become spaces.
std::string markdown_escape(std::string_view text);

}  // namespace mlops

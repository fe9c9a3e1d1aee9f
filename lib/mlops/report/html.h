#pragma once
// Building blocks of self-contained HTML: escaping and inline SVG charts (no CDN, no JS).

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mlops {

/// Escapes &, <, >, " and ' so any value taken from data is safe inside HTML text or attributes.
std::string html_escape(std::string_view text);
/// A horizontal bar chart as inline SVG; bars scaled to the largest value.
std::string svg_bar_chart(const std::vector<std::pair<std::string, double>>& bars,
                          const std::string& value_label);

}  // namespace mlops

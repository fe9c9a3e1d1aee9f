#include "mlops/report/html.h"

#include <fmt/format.h>

#include <algorithm>

namespace mlops {

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string svg_bar_chart(const std::vector<std::pair<std::string, double>>& bars,
                          const std::string& value_label) {
  constexpr int kLabelWidth = 220, kBarWidth = 360, kRowHeight = 22;
  double largest = 0;
  for (const auto& [name, value] : bars) largest = std::max(largest, value);
  const int height = static_cast<int>(bars.size()) * kRowHeight + 24;
  std::string svg = fmt::format(
      R"(<svg xmlns="http://www.w3.org/2000/svg" width="{}" height="{}" role="img" aria-label="{}">)",
      kLabelWidth + kBarWidth + 90, height, html_escape(value_label));
  int y = 4;
  for (const auto& [name, value] : bars) {
    const double width = largest > 0 ? value / largest * kBarWidth : 0;
    svg += fmt::format(R"(<text x="{}" y="{}" text-anchor="end" font-size="12">{}</text>)"
                       R"(<rect x="{}" y="{}" width="{:.1f}" height="{}" fill="#3b6ea5"/>)"
                       R"(<text x="{:.1f}" y="{}" font-size="11">{:.4g}</text>)",
                       kLabelWidth - 6, y + 14, html_escape(name), kLabelWidth, y + 2, width,
                       kRowHeight - 6, kLabelWidth + width + 4, y + 14, value);
    y += kRowHeight;
  }
  svg += fmt::format(R"(<text x="{}" y="{}" font-size="11" fill="#555">{}</text></svg>)",
                     kLabelWidth, y + 14, html_escape(value_label));
  return svg;
}

}  // namespace mlops

#include "mlops/report/svg_chart.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "mlops/core/escape.h"

namespace mlops {

namespace {

constexpr const char* kPalette[] = {"#3b6ea5", "#d1495b", "#2a9d8f", "#e9a03b", "#6c4f9e"};
constexpr int kLeft = 62, kRight = 16, kTop = 30, kBottom = 46;

std::string open_svg(int width, int height, const std::string& title) {
  const std::string escaped = html_escape(title);
  return fmt::format(
      R"(<svg xmlns="http://www.w3.org/2000/svg" width="{}" height="{}" viewBox="0 0 {} {}" role="img" aria-label="{}" font-family="system-ui,sans-serif"><title>{}</title>)",
      width, height, width, height, escaped, escaped);
}

std::string tick_text(double value) {
  if (std::abs(value) < 1e-12) return "0";
  return fmt::format("{:.4g}", value);
}

/// The data's [min, max] over some values; (0, 1) when there is none.
std::pair<double, double> extent(const std::vector<double>& values) {
  double lo = INFINITY, hi = -INFINITY;
  for (double v : values) {
    if (!std::isfinite(v)) continue;
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  if (lo > hi) return {0, 1};
  return {lo, hi};
}

/// Maps data coordinates to pixels inside the plotting area and draws the axes around it.
class Plot {
 public:
  Plot(const ChartFrame& frame, std::pair<double, double> x, std::pair<double, double> y)
      : frame_(frame) {
    // Automatic ranges widen to the outer ticks; fixed ones stay as given.
    if (frame.x_range) x = *frame.x_range;
    if (frame.y_range) y = *frame.y_range;
    x_ticks_ = nice_ticks(x.first, x.second);
    y_ticks_ = nice_ticks(y.first, y.second);
    x_ = frame.x_range ? *frame.x_range : std::pair{x_ticks_.front(), x_ticks_.back()};
    y_ = frame.y_range ? *frame.y_range : std::pair{y_ticks_.front(), y_ticks_.back()};
    if (x_.second <= x_.first) x_.second = x_.first + 1;
    if (y_.second <= y_.first) y_.second = y_.first + 1;
  }

  double px(double x) const {
    return kLeft + (x - x_.first) / (x_.second - x_.first) * (frame_.width - kLeft - kRight);
  }
  double py(double y) const {
    return frame_.height - kBottom -
           (y - y_.first) / (y_.second - y_.first) * (frame_.height - kTop - kBottom);
  }
  std::pair<double, double> x_range() const { return x_; }
  std::pair<double, double> y_range() const { return y_; }

  /// Title, grid, ticks, axis labels and the reference lines the frame asks for.
  std::string frame() const {
    std::string svg = open_svg(frame_.width, frame_.height, frame_.title);
    svg += fmt::format(R"(<text x="{}" y="18" font-size="13" font-weight="600">{}</text>)", kLeft,
                       html_escape(frame_.title));
    const double bottom = frame_.height - kBottom, right = frame_.width - kRight;
    for (double t : y_ticks_) {
      if (t < y_.first || t > y_.second) continue;
      svg += fmt::format(
          R"(<line x1="{}" x2="{:.1f}" y1="{:.1f}" y2="{:.1f}" stroke="#e4e7ec"/><text x="{}" y="{:.1f}" font-size="10" text-anchor="end" fill="#57606a">{}</text>)",
          kLeft, right, py(t), py(t), kLeft - 4, py(t) + 3, tick_text(t));
    }
    for (double t : x_ticks_) {
      if (t < x_.first || t > x_.second) continue;
      svg += fmt::format(
          R"(<line x1="{:.1f}" x2="{:.1f}" y1="{:.1f}" y2="{:.1f}" stroke="#8c959f"/><text x="{:.1f}" y="{:.1f}" font-size="10" text-anchor="middle" fill="#57606a">{}</text>)",
          px(t), px(t), bottom, bottom + 4, px(t), bottom + 15, tick_text(t));
    }
    svg += fmt::format(
        R"(<line x1="{}" x2="{:.1f}" y1="{:.1f}" y2="{:.1f}" stroke="#8c959f"/><line x1="{}" x2="{}" y1="{}" y2="{:.1f}" stroke="#8c959f"/>)",
        kLeft, right, bottom, bottom, kLeft, kLeft, kTop, bottom);
    svg += fmt::format(
        R"svg(<text x="{:.1f}" y="{}" font-size="11" text-anchor="middle">{}</text><text transform="translate(14 {:.1f}) rotate(-90)" font-size="11" text-anchor="middle">{}</text>)svg",
        (kLeft + right) / 2, frame_.height - 8, html_escape(frame_.x_label), (kTop + bottom) / 2,
        html_escape(frame_.y_label));
    if (frame_.diagonal) {
      const double lo = std::max(x_.first, y_.first), hi = std::min(x_.second, y_.second);
      if (hi > lo) {
        svg += fmt::format(
            R"(<line x1="{:.1f}" y1="{:.1f}" x2="{:.1f}" y2="{:.1f}" stroke="#8c959f" stroke-dasharray="4 3"/>)",
            px(lo), py(lo), px(hi), py(hi));
      }
    }
    if (frame_.x_marker && *frame_.x_marker >= x_.first && *frame_.x_marker <= x_.second) {
      const double x = px(*frame_.x_marker);
      svg += fmt::format(
          R"(<line x1="{:.1f}" x2="{:.1f}" y1="{}" y2="{:.1f}" stroke="#9a6700" stroke-dasharray="3 3"/><text x="{:.1f}" y="{}" font-size="10" fill="#9a6700">{}</text>)",
          x, x, kTop, bottom, x + 3, kTop + 10, html_escape(frame_.x_marker_label));
    }
    return svg;
  }

  /// Colored names in one row at the top right, beside the title.
  std::string legend(const std::vector<ChartSeries>& series) const {
    if (series.size() < 2) return "";
    std::string svg;
    double x = frame_.width - kRight;
    for (size_t i = series.size(); i-- > 0;) {
      x -= 24 + 6.5 * static_cast<double>(series[i].name.size());
      svg += fmt::format(
          R"(<rect x="{:.1f}" y="9" width="10" height="10" fill="{}"/><text x="{:.1f}" y="18" font-size="11">{}</text>)",
          x, kPalette[i % std::size(kPalette)], x + 14, html_escape(series[i].name));
    }
    return svg;
  }

 private:
  const ChartFrame& frame_;
  std::vector<double> x_ticks_, y_ticks_;
  std::pair<double, double> x_, y_;
};

std::pair<double, double> series_extent(const std::vector<ChartSeries>& series, bool x_axis) {
  std::vector<double> values;
  for (const auto& s : series) {
    for (const auto& [x, y] : s.points) values.push_back(x_axis ? x : y);
  }
  return extent(values);
}

}  // namespace

std::vector<double> nice_ticks(double lo, double hi, int target) {
  if (!std::isfinite(lo) || !std::isfinite(hi)) return {0, 1};
  if (hi <= lo) {
    const double pad = lo == 0 ? 1 : std::abs(lo) * 0.1;
    lo -= pad;
    hi += pad;
  }
  const double raw = (hi - lo) / std::max(1, target);
  const double magnitude = std::pow(10, std::floor(std::log10(raw)));
  const double normalized = raw / magnitude;
  const double step = (normalized < 1.5 ? 1
                       : normalized < 3 ? 2
                       : normalized < 7 ? 5
                                        : 10) *
                      magnitude;
  std::vector<double> ticks;
  const double first = std::floor(lo / step), last = std::ceil(hi / step);
  for (double i = first; i <= last; ++i) ticks.push_back(i * step);
  return ticks;
}

std::string svg_line_chart(const std::vector<ChartSeries>& series, const ChartFrame& frame) {
  Plot plot(frame, series_extent(series, true), series_extent(series, false));
  std::string svg = plot.frame();
  for (size_t i = 0; i < series.size(); ++i) {
    std::string points;
    for (const auto& [x, y] : series[i].points) {
      if (!std::isfinite(x) || !std::isfinite(y)) continue;
      points += fmt::format("{:.1f},{:.1f} ", plot.px(x), plot.py(y));
    }
    svg += fmt::format(
        R"(<polyline fill="none" stroke="{}" stroke-width="1.8" points="{}"><title>{}</title></polyline>)",
        kPalette[i % std::size(kPalette)], points, html_escape(series[i].name));
  }
  return svg + plot.legend(series) + "</svg>";
}

std::string svg_scatter_chart(const ChartSeries& points, const ChartFrame& frame) {
  Plot plot(frame, series_extent({points}, true), series_extent({points}, false));
  std::string svg = plot.frame();
  svg += fmt::format(R"(<g fill="{}" fill-opacity="0.55">)", kPalette[0]);
  for (const auto& [x, y] : points.points) {
    if (!std::isfinite(x) || !std::isfinite(y)) continue;
    svg += fmt::format(R"(<circle cx="{:.1f}" cy="{:.1f}" r="2.2"/>)", plot.px(x), plot.py(y));
  }
  return svg + "</g></svg>";
}

std::string svg_histogram(const std::vector<double>& edges, const std::vector<double>& counts,
                          const ChartFrame& frame) {
  if (edges.size() != counts.size() + 1 || counts.empty()) return "";
  std::vector<double> heights = counts;
  heights.push_back(0);
  Plot plot(frame, extent(edges), extent(heights));
  std::string svg = plot.frame();
  svg += fmt::format(R"(<g fill="{}">)", kPalette[0]);
  for (size_t i = 0; i < counts.size(); ++i) {
    const double left = plot.px(edges[i]), right = plot.px(edges[i + 1]);
    const double top = plot.py(counts[i]), base = plot.py(plot.y_range().first);
    svg += fmt::format(
        R"(<rect x="{:.1f}" y="{:.1f}" width="{:.1f}" height="{:.1f}"><title>[{}, {}): {}</title></rect>)",
        left + 0.5, top, std::max(0.0, right - left - 1), std::max(0.0, base - top),
        tick_text(edges[i]), tick_text(edges[i + 1]), tick_text(counts[i]));
  }
  return svg + "</g></svg>";
}

std::string svg_bar_chart(const std::vector<std::pair<std::string, double>>& bars,
                          const std::string& value_label) {
  constexpr int kLabelWidth = 220, kBarWidth = 360, kRowHeight = 22;
  double largest = 0;
  for (const auto& [name, value] : bars) largest = std::max(largest, value);
  const int height = static_cast<int>(bars.size()) * kRowHeight + 24;
  std::string svg = open_svg(kLabelWidth + kBarWidth + 90, height, value_label);
  int y = 4;
  for (const auto& [name, value] : bars) {
    const double width = largest > 0 ? value / largest * kBarWidth : 0;
    svg += fmt::format(R"(<text x="{}" y="{}" text-anchor="end" font-size="12">{}</text>)"
                       R"(<rect x="{}" y="{}" width="{:.1f}" height="{}" fill="{}"/>)"
                       R"(<text x="{:.1f}" y="{}" font-size="11">{:.4g}</text>)",
                       kLabelWidth - 6, y + 14, html_escape(name), kLabelWidth, y + 2, width,
                       kRowHeight - 6, kPalette[0], kLabelWidth + width + 4, y + 14, value);
    y += kRowHeight;
  }
  svg += fmt::format(R"(<text x="{}" y="{}" font-size="11" fill="#555">{}</text></svg>)",
                     kLabelWidth, y + 14, html_escape(value_label));
  return svg;
}

std::string svg_heatmap(const std::vector<std::string>& labels,
                        const std::vector<std::vector<double>>& matrix, const ChartFrame& frame) {
  const size_t n = labels.size();
  if (n == 0 || matrix.size() != n) return "";
  size_t longest = 0;
  for (const auto& label : labels) longest = std::max(longest, label.size());
  const int label_width = static_cast<int>(std::min<size_t>(longest, 24)) * 7 + 12;
  const int cell = n <= 4 ? 72 : n <= 6 ? 56 : n <= 15 ? 32 : 18;
  const int left = label_width + 22, top = 40;
  const int size = cell * static_cast<int>(n);
  const int title_width = static_cast<int>(frame.title.size()) * 8 + 8;
  const int width = std::max(left + size + 16, title_width);
  const int height = top + size + label_width + 24;
  std::string svg = open_svg(width, height, frame.title);
  svg += fmt::format(R"(<text x="4" y="18" font-size="13" font-weight="600">{}</text>)",
                     html_escape(frame.title));
  // Axis names: actual down the left, predicted along the bottom.
  svg += fmt::format(
      R"svg(<text transform="translate(12 {}) rotate(-90)" font-size="11" text-anchor="middle">{}</text><text x="{}" y="{}" font-size="11" text-anchor="middle">{}</text>)svg",
      top + size / 2, html_escape(frame.y_label), left + size / 2, height - 6,
      html_escape(frame.x_label));
  auto short_label = [](const std::string& label) {
    return label.size() <= 24 ? label : label.substr(0, 23) + "...";
  };
  for (size_t r = 0; r < n; ++r) {
    const int y = top + static_cast<int>(r) * cell;
    svg += fmt::format(R"(<text x="{}" y="{}" font-size="11" text-anchor="end">{}</text>)",
                       left - 4, y + cell / 2 + 4, html_escape(short_label(labels[r])));
    double row_total = 0;
    for (double v : matrix[r]) row_total += v;
    for (size_t c = 0; c < n && c < matrix[r].size(); ++c) {
      const int x = left + static_cast<int>(c) * cell;
      const double share = row_total > 0 ? matrix[r][c] / row_total : 0;
      svg += fmt::format(
          R"(<rect x="{}" y="{}" width="{}" height="{}" fill="{}" fill-opacity="{:.3f}" stroke="#d0d7de"><title>actual {}, predicted {}: {}</title></rect>)",
          x, y, cell, cell, kPalette[0], 0.06 + 0.94 * share, html_escape(labels[r]),
          html_escape(labels[c]), tick_text(matrix[r][c]));
      if (cell >= 32) {
        svg += fmt::format(
            R"(<text x="{}" y="{}" font-size="11" text-anchor="middle" fill="{}">{}</text>)",
            x + cell / 2, y + cell / 2 + 4, share > 0.5 ? "#fff" : "#1d2330",
            tick_text(matrix[r][c]));
      }
    }
  }
  for (size_t c = 0; c < n; ++c) {
    const int x = left + static_cast<int>(c) * cell + cell / 2;
    svg += fmt::format(
        R"svg(<text transform="translate({} {}) rotate(-45)" font-size="11" text-anchor="end">{}</text>)svg",
        x + 4, top + size + 12, html_escape(short_label(labels[c])));
  }
  return svg + "</svg>";
}

std::string svg_sparkline(const std::vector<double>& heights,
                          const std::vector<std::string>& tooltips, const std::string& title) {
  constexpr int kWidth = 120, kHeight = 28;
  if (heights.empty()) return "";
  double largest = 0;
  for (double h : heights) largest = std::max(largest, h);
  const double bar = static_cast<double>(kWidth) / static_cast<double>(heights.size());
  std::string svg = open_svg(kWidth, kHeight, title);
  svg += fmt::format(R"(<g fill="{}">)", kPalette[0]);
  for (size_t i = 0; i < heights.size(); ++i) {
    const double h =
        largest > 0 ? std::max(heights[i] > 0 ? 1.0 : 0.0, heights[i] / largest * (kHeight - 2))
                    : 0;
    svg += fmt::format(R"(<rect x="{:.1f}" y="{:.1f}" width="{:.1f}" height="{:.1f}">)",
                       bar * static_cast<double>(i), kHeight - h, std::max(0.5, bar - 1), h);
    if (i < tooltips.size()) svg += "<title>" + html_escape(tooltips[i]) + "</title>";
    svg += "</rect>";
  }
  return svg + "</g></svg>";
}

}  // namespace mlops

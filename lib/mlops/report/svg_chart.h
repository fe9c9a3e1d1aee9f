#pragma once
// Charts as inline SVG for the self-contained report: no script, no external file, readable in
// any browser and in a screenshot. Each chart carries a <title> and an aria-label, and every
// text drawn is HTML-escaped here, so callers pass raw names.

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace mlops {

/// A named sequence of (x, y) points.
struct ChartSeries {
  std::string name;
  std::vector<std::pair<double, double>> points;
};

/// What frames a chart: its title and axis labels, optional fixed ranges and reference lines.
struct ChartFrame {
  std::string title = "";
  std::string x_label = "";
  std::string y_label = "";
  std::optional<std::pair<double, double>> x_range =
      std::nullopt;  // default: the data's, widened to ticks
  std::optional<std::pair<double, double>> y_range = std::nullopt;
  bool diagonal = false;  // the line y = x (chance for ROC, perfect for predictions)
  std::optional<double> x_marker =
      std::nullopt;  // a dashed vertical line at this x (e.g. the best round)
  std::string x_marker_label = "";
  int width = 520;
  int height = 300;
};

/// One polyline per series with axes, ticks and a legend.
std::string svg_line_chart(const std::vector<ChartSeries>& series, const ChartFrame& frame);
/// One dot per point, with axes (and y = x when frame.diagonal).
std::string svg_scatter_chart(const ChartSeries& points, const ChartFrame& frame);
/// Vertical bars over bins: counts[i] covers [edges[i], edges[i + 1]).
std::string svg_histogram(const std::vector<double>& edges, const std::vector<double>& counts,
                          const ChartFrame& frame);
/// A horizontal bar per (name, value), scaled to the largest value (e.g. feature importance).
std::string svg_bar_chart(const std::vector<std::pair<std::string, double>>& bars,
                          const std::string& value_label);
/// A matrix of counts as shaded cells (shade: the share of its row), rows and columns named by
/// `labels`, e.g. a confusion matrix with actual classes as rows.
std::string svg_heatmap(const std::vector<std::string>& labels,
                        const std::vector<std::vector<double>>& matrix, const ChartFrame& frame);
/// A tiny bar chart without axes for a table cell; bar i shows `tooltips[i]` on hover.
std::string svg_sparkline(const std::vector<double>& heights,
                          const std::vector<std::string>& tooltips, const std::string& title);

/// About `target` round tick values spanning [lo, hi] (steps of 1, 2 or 5 times a power of 10).
std::vector<double> nice_ticks(double lo, double hi, int target = 5);

}  // namespace mlops

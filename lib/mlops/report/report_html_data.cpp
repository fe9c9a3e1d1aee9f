// The data's sections of the HTML report: the profile of the clean table and the drift of
// the scored rows against the training profile.

#include <fmt/format.h>

#include "mlops/core/escape.h"
#include "mlops/core/time.h"
#include "mlops/report/report_html_sections.h"
#include "mlops/report/report_text.h"
#include "mlops/report/svg_chart.h"

namespace mlops::report_html {

namespace {

using nlohmann::json;

std::string numeric_cells(const json& column, const std::string& type) {
  if (!column.contains("histogram"))
    return "<td></td><td></td><td></td><td></td><td></td><td></td>";
  const auto edges = column["histogram"].value("edges", std::vector<double>{});
  const auto counts = column["histogram"].value("counts", std::vector<double>{});
  std::vector<std::string> tooltips;
  for (size_t i = 0; i < counts.size() && i + 1 < edges.size(); ++i) {
    tooltips.push_back(fmt::format("[{}, {}): {}", report_column_value(type, edges[i]),
                                   report_column_value(type, edges[i + 1]),
                                   report_count(static_cast<uint64_t>(counts[i]))));
  }
  // A timestamp's spread reads better in days than in microseconds.
  const std::string spread = type == "timestamp" && column["std"].is_number()
                                 ? fmt::format("{:.4g} days", column["std"].get<double>() / 86400e6)
                                 : report_column_value("float64", column.value("std", json()));
  return fmt::format(
      R"(<td></td><td class="num">{}</td><td class="num">{}</td><td class="num">{}</td><td class="num">{}</td><td>{}</td>)",
      html_escape(report_column_value(type, column.value("min", json()))),
      html_escape(report_column_value(type, column.value("max", json()))),
      html_escape(
          report_column_value(type == "int64" ? "float64" : type, column.value("mean", json()))),
      html_escape(spread),
      svg_sparkline(counts, tooltips, "histogram of " + column.value("name", std::string())));
}

std::string category_cells(const json& column) {
  std::vector<double> counts;
  std::vector<std::string> tooltips;
  std::string listed;
  for (const auto& top : column.value("top", json::array())) {
    const std::string value = report_value(top["value"]);
    const uint64_t count = top.value("count", uint64_t{0});
    counts.push_back(static_cast<double>(count));
    tooltips.push_back(value + ": " + report_count(count));
    if (counts.size() <= 5) {
      listed += fmt::format("{}<b>{}</b> {}", listed.empty() ? "" : " &middot; ",
                            html_escape(value), report_count(count));
    }
  }
  if (column.value("other", uint64_t{0}) > 0) {
    listed += " &middot; other " + report_count(column.value("other", uint64_t{0}));
  }
  const std::string distinct = (column.value("distinct_capped", false) ? "&ge; " : "") +
                               text(column.value("distinct", json()));
  return fmt::format(
      R"(<td class="num">{}</td><td colspan="4" class="top">{}</td><td>{}</td>)", distinct, listed,
      svg_sparkline(counts, tooltips, "top values of " + column.value("name", std::string())));
}

}  // namespace

std::string data_profile_section(const json& profile) {
  if (profile.is_null()) return "";
  std::string html = fmt::format(
      R"(<p class="meta">The clean table after ingest: {} rows, {} columns{}. Numbers: range, mean, standard deviation and a histogram; text: distinct values and the most frequent ones.</p>)",
      text(profile["rows"]), text(profile["columns_total"]),
      profile["columns_total"] != profile["columns"].size()
          ? fmt::format(" (the first {} shown)", profile["columns"].size())
          : "");
  html +=
      "<table><tr><th>column</th><th>type</th><th>nulls</th><th>distinct</th><th>min</th>"
      "<th>max</th><th>mean</th><th>std</th><th>distribution</th></tr>";
  for (const auto& column : profile["columns"]) {
    const std::string type = column.value("type", "");
    const double rows = column.value("rows", 0.0), nulls = column.value("nulls", 0.0);
    html += fmt::format(R"(<tr><td><b>{}</b></td><td>{}</td><td class="num">{}{}</td>)",
                        text(column.value("name", json())), html_escape(type),
                        report_count(static_cast<uint64_t>(nulls)),
                        rows > 0 && nulls > 0 ? fmt::format(" ({:.1f}%)", 100 * nulls / rows) : "");
    html += column.contains("top") ? category_cells(column) : numeric_cells(column, type);
    html += "</tr>";
  }
  return html + "</table>";
}

std::string drift_section(const json& drift) {
  if (drift.is_null()) return "";
  const json& counts = drift["counts"];
  std::string html = fmt::format(
      R"(<p class="meta">{} scored rows against the training profile <code>{}</code>: <span class="fail">{} drifted</span>, <span class="warn">{} warnings</span>, <span class="ok">{} ok</span> (population stability index per feature).</p>)",
      text(drift["rows"]), text(drift["reference"]), text(counts["drift"]), text(counts["warn"]),
      text(counts["ok"]));
  if (drift.value("status", "") == "insufficient_data") {
    html += fmt::format(
        R"(<p class="warn">Too few rows to measure drift: {} scored, drift.min_rows is {}; the PSI below is sampling noise and was not judged.</p>)",
        text(drift["rows"]), text(drift["min_rows"]));
  }
  html +=
      "<table><tr><th>feature</th><th>PSI</th><th>status</th><th>null rate (scored)</th>"
      "<th>null rate (training)</th></tr>";
  for (const auto& feature : drift["features"]) {
    auto percent = [](const json& rate) {
      return rate.is_number() ? fmt::format("{:.2f}%", 100 * rate.get<double>()) : std::string();
    };
    html += fmt::format(
        R"(<tr><td>{}</td><td class="num">{}</td>{}<td class="num">{}</td><td class="num">{}</td></tr>)",
        text(feature.value("feature", json())), text(feature.value("psi", json())),
        status_cell(report_value(feature.value("status", json()))),
        percent(feature.value("null_rate", json())),
        percent(feature.value("train_null_rate", json())));
  }
  return html + "</table>";
}

std::string live_section(const json& live) {
  if (live.is_null()) return "";
  std::string html =
      R"(<p class="meta">Labels that arrived after scoring, joined with the logged predictions by <code>mlops evaluate</code>: each metric per model version and time window of scoring.</p>)";
  // x: days since the first window, so the axis reads in days whatever the dates.
  std::optional<int64_t> first;
  for (const auto& [metric, versions] : live["series"].items()) {
    for (const auto& [version, points] : versions.items()) {
      for (const auto& point : points) {
        const auto at = parse_timestamp(point.value("window_start", std::string()));
        if (at && (!first || *at < *first)) first = *at;
      }
    }
  }
  for (const auto& [metric, versions] : live["series"].items()) {
    std::vector<ChartSeries> lines;
    for (const auto& [version, points] : versions.items()) {
      ChartSeries line{version, {}};
      for (const auto& point : points) {
        const auto at = parse_timestamp(point.value("window_start", std::string()));
        if (at && point["value"].is_number()) {
          line.points.emplace_back(static_cast<double>(*at - *first) / 86'400e6,
                                   point["value"].get<double>());
        }
      }
      if (!line.points.empty()) lines.push_back(std::move(line));
    }
    if (!lines.empty()) {
      html += svg_line_chart(lines, ChartFrame{.title = "Live " + metric,
                                               .x_label = "days since " + format_timestamp(*first),
                                               .y_label = metric});
    }
  }
  html += "<table><tr><th>version</th><th>metric</th><th>value, all windows</th><th>rows</th></tr>";
  for (const auto& entry : live["overall"]) {
    html += fmt::format(
        R"(<tr><td>{}</td><td>{}</td><td class="num">{}</td><td class="num">{}</td></tr>)",
        text(entry.value("model_version", json())), text(entry.value("metric", json())),
        text(entry.value("value", json())), text(entry.value("rows", json())));
  }
  return html + "</table>";
}

}  // namespace mlops::report_html

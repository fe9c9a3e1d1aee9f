// The model's sections of the HTML report: metrics against baseline and champion, the
// training curve, evaluation plots and feature importance.

#include <fmt/format.h>

#include <algorithm>

#include "mlops/core/escape.h"
#include "mlops/report/report_content.h"
#include "mlops/report/report_html_sections.h"
#include "mlops/report/report_text.h"
#include "mlops/report/svg_chart.h"

namespace mlops::report_html {

namespace {

using nlohmann::json;

/// The difference to a reference, green when it is an improvement for this metric.
std::string delta_cell(const json& value, const json& reference, bool lower_better) {
  const std::string delta = report_delta(value, reference);
  if (delta.empty()) return "<td></td>";
  const double d = value.get<double>() - reference.get<double>();
  const char* css = d == 0 ? "" : (d < 0) == lower_better ? "better" : "worse";
  return fmt::format(R"(<td class="num {}">{}</td>)", css, delta);
}

ChartSeries series_of(const std::string& name, const json& points) {
  ChartSeries series{name, {}};
  for (const auto& point : points) {
    series.points.emplace_back(point[0].get<double>(), point[1].get<double>());
  }
  return series;
}

std::string registry_text(const json& registry) {
  if (registry.is_null()) return "";
  std::string aliases;
  for (const auto& alias : registry["aliases"])
    aliases += (aliases.empty() ? "" : ", ") + text(alias);
  std::string html =
      fmt::format("<p>Registered as <b>{}</b> version <b>{}</b>{}.", text(registry["model"]),
                  text(registry["version"]), aliases.empty() ? "" : " (aliases: " + aliases + ")");
  if (registry["previous_champion_version"].is_null()) {
    html += " No previous champion.";
  }
  const json& gate = registry["gate"];
  if (gate.is_object()) {
    const bool passed = gate.value("passed", false);
    html += fmt::format(R"( Promotion gate on <b>{}</b>: <span class="{}">{}</span>{}.)",
                        text(gate.value("metric", json())), passed ? "ok" : "fail",
                        passed ? "passed" : "not passed",
                        gate["reason"].is_null() ? "" : " &mdash; " + text(gate["reason"]));
  }
  return html + "</p>";
}

}  // namespace

std::string model_section(const json& model, const json& registry) {
  if (model.is_null()) return "<p>No model was trained in this run.</p>";
  const bool champion = !registry.is_null() && !registry["previous_champion_version"].is_null();
  const std::string baseline = text(model["baseline_model"]);
  std::string html = fmt::format(
      R"(<p class="meta">Holdout of {} rows; model trained on {} rows. Baseline: <b>{}</b>{}.</p>)",
      text(model["holdout_rows"]), text(model["train_rows"]), baseline,
      model["baseline_model"] == "prior"
          ? " (the training class priors for classification, the training mean for regression)"
          : "");
  html += registry_text(registry);
  html += fmt::format(
      "<table><tr><th>metric</th><th>model</th><th>baseline ({})</th><th>vs baseline</th>{}</tr>",
      baseline,
      champion ? fmt::format("<th>previous champion (v{})</th><th>vs champion</th>",
                             text(registry["previous_champion_version"]))
               : "");
  for (const auto& metric : model["metrics"]) {
    const bool lower = metric.value("lower_is_better", false);
    html += fmt::format(R"(<tr><td>{}</td><td class="num"><b>{}</b></td><td class="num">{}</td>{})",
                        text(metric["name"]), text(metric["value"]), text(metric["baseline"]),
                        delta_cell(metric["value"], metric["baseline"], lower));
    if (champion) {
      html += fmt::format(R"(<td class="num">{}</td>{})", text(metric["champion"]),
                          delta_cell(metric["value"], metric["champion"], lower));
    }
    html += "</tr>";
  }
  html += "</table>";
  if (!model["cv"].empty()) {
    html +=
        "<h3>Cross-validation</h3><table><tr><th>metric</th><th>mean</th><th>std</th><th>folds</"
        "th></tr>";
    for (const auto& cv : model["cv"]) {
      std::string folds;
      for (const auto& fold : cv["folds"]) folds += (folds.empty() ? "" : ", ") + text(fold);
      html += fmt::format(
          R"(<tr><td>{}</td><td class="num">{}</td><td class="num">{}</td><td>{}</td></tr>)",
          text(cv["name"]), text(cv["mean"]), text(cv["std"]), folds);
    }
    html += "</table>";
  }
  return html;
}

std::string curve_section(const json& curve) {
  if (curve.is_null()) return "";
  const std::string metric = report_value(curve["metric"]);
  std::vector<ChartSeries> series;
  for (const auto& s : curve["series"]) series.push_back(series_of(s["name"], s["points"]));
  ChartFrame frame{.title = "Training curve" + (metric.empty() ? "" : " (" + metric + ")"),
                   .x_label = "round",
                   .y_label = metric};
  if (curve["best_round"].is_number()) {
    frame.x_marker = curve["best_round"].get<double>();
    frame.x_marker_label = "best round " + report_value(curve["best_round"]);
  }
  std::string html = fmt::format(
      R"(<p class="meta">{} rounds trained{}{}.</p>)", text(curve["rounds_trained"]),
      curve["best_round"].is_number() ? "; best round " + text(curve["best_round"]) : "",
      curve["stopped_early"] == true ? "; stopped early" : "");
  return html + svg_line_chart(series, frame);
}

std::string evaluation_section(const json& evaluation) {
  if (evaluation.is_null()) return "";
  std::string charts;
  const std::pair<double, double> unit{0, 1};
  if (evaluation.contains("roc")) {
    charts +=
        svg_line_chart({series_of("ROC", evaluation["roc"])}, {.title = "ROC curve",
                                                               .x_label = "false positive rate",
                                                               .y_label = "true positive rate",
                                                               .x_range = unit,
                                                               .y_range = unit,
                                                               .diagonal = true,
                                                               .width = 380,
                                                               .height = 340});
  }
  if (evaluation.contains("pr")) {
    charts += svg_line_chart({series_of("precision-recall", evaluation["pr"])},
                             {.title = "Precision-recall curve",
                              .x_label = "recall",
                              .y_label = "precision",
                              .x_range = unit,
                              .y_range = unit,
                              .width = 380,
                              .height = 340});
  }
  if (evaluation.contains("predicted_vs_actual")) {
    const ChartSeries points = series_of("holdout rows", evaluation["predicted_vs_actual"]);
    // One range for both axes, so the y = x line is the diagonal.
    double lo = 0, hi = 1;
    if (!points.points.empty()) {
      lo = hi = points.points.front().first;
      for (const auto& [x, y] : points.points) {
        lo = std::min({lo, x, y});
        hi = std::max({hi, x, y});
      }
    }
    const std::vector<double> ticks = nice_ticks(lo, hi);
    const std::pair<double, double> range{ticks.front(), ticks.back()};
    charts += svg_scatter_chart(points, {.title = "Predicted vs actual (holdout)",
                                         .x_label = "actual",
                                         .y_label = "predicted",
                                         .x_range = range,
                                         .y_range = range,
                                         .diagonal = true,
                                         .width = 400,
                                         .height = 380});
  }
  if (evaluation.contains("residuals")) {
    charts += svg_histogram(evaluation["residuals"]["edges"].get<std::vector<double>>(),
                            evaluation["residuals"]["counts"].get<std::vector<double>>(),
                            {.title = "Residuals (actual - predicted)",
                             .x_label = "residual",
                             .y_label = "rows",
                             .width = 460,
                             .height = 320});
  }
  if (evaluation.contains("confusion")) {
    std::vector<std::vector<double>> matrix;
    for (const auto& row : evaluation["confusion"]["matrix"]) {
      std::vector<double> cells;
      for (const auto& cell : row) cells.push_back(cell.is_number() ? cell.get<double>() : 0);
      matrix.push_back(std::move(cells));
    }
    charts += svg_heatmap(
        evaluation["confusion"]["labels"].get<std::vector<std::string>>(), matrix,
        {.title = "Confusion matrix (holdout)", .x_label = "predicted", .y_label = "actual"});
  }
  return charts.empty() ? "" : R"(<div class="charts">)" + charts + "</div>";
}

std::string importance_section(const json& importance) {
  if (importance.is_null()) return "";
  std::vector<std::pair<std::string, double>> bars;
  for (const auto& entry : importance) bars.emplace_back(entry["feature"], entry["gain"]);
  return svg_bar_chart(bars, "gain (XGBoost)");
}

}  // namespace mlops::report_html

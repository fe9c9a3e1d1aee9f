#include "mlops/report/run_report.h"

#include <fmt/format.h>

#include <string_view>
#include <vector>

#include "mlops/report/html.h"

namespace mlops {

namespace {

constexpr const char* kStyle = R"(
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem auto;max-width:1100px;color:#1d2330;padding:0 1rem}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #d8dde6;padding-bottom:.3rem}
table{border-collapse:collapse;width:100%;font-size:.9rem}th,td{text-align:left;padding:.3rem .5rem;border-bottom:1px solid #eceff4;vertical-align:top}
th{background:#f4f6fa}td.num{text-align:right;font-variant-numeric:tabular-nums}
.ok{color:#1a7f37;font-weight:600}.fail{color:#cf222e;font-weight:600}.warn{color:#9a6700;font-weight:600}
.meta{color:#57606a;font-size:.9rem}code{font-size:.85rem;background:#f4f6fa;padding:0 .2rem}
)";

std::string text(const nlohmann::json& value) {
  if (value.is_string()) return html_escape(value.get<std::string>());
  if (value.is_null()) return "";
  if (value.is_number_float()) return fmt::format("{:.4g}", value.get<double>());
  return html_escape(value.dump());
}

/// Stages in pipeline order (JSON objects iterate alphabetically).
std::vector<std::pair<std::string, nlohmann::json>> ordered_stages(const nlohmann::json& stages) {
  static const char* kOrder[] = {"ingest", "featurize", "validate", "train", "predict", "report"};
  std::vector<std::pair<std::string, nlohmann::json>> ordered;
  for (const char* name : kOrder) {
    if (stages.contains(name)) ordered.emplace_back(name, stages[name]);
  }
  return ordered;
}

/// The report is written while its own stage runs, so a run is complete here when every stage
/// before the report succeeded.
std::string effective_status(const nlohmann::json& manifest) {
  const auto& stages = manifest.value("stages", nlohmann::json::object());
  for (const char* name : {"ingest", "featurize", "validate", "train", "predict"}) {
    if (!stages.contains(name) || stages[name].value("status", "") != "ok") {
      return manifest.value("status", "");
    }
  }
  return "ok";
}

std::string status_cell(const std::string& status) {
  const char* css = status == "ok" ? "ok" : status == "warn" ? "warn" : "fail";
  return fmt::format(R"(<td class="{}">{}</td>)", css, html_escape(status));
}

std::string summary_section(const nlohmann::json& m) {
  std::string html = "<table>";
  for (const char* key : {"workflow", "run_id", "env", "status", "started_at", "updated_at",
                          "mlops_version", "config_hash", "workflow_file"}) {
    const nlohmann::json value = std::string_view(key) == "status"
                                     ? nlohmann::json(effective_status(m))
                                     : m.value(key, nlohmann::json());
    html += fmt::format("<tr><th>{}</th><td>{}</td></tr>", key, text(value));
  }
  return html + "</table>";
}

std::string metrics_section(const nlohmann::json& train) {
  const auto& details = train.value("details", nlohmann::json::object());
  if (!details.contains("holdout")) return "<p>No model was trained in this run.</p>";
  const auto& holdout = details["holdout"];
  const auto& baseline = details.value("baseline", nlohmann::json::object());
  std::string html = fmt::format(
      R"(<p class="meta">Holdout of {} rows; model trained on {} rows. The baseline ({}) is fitted on the same training rows.</p>)",
      text(details.value("holdout_rows", nlohmann::json())),
      text(details.value("train_rows", nlohmann::json())),
      html_escape(baseline.value("model", std::string("class priors or mean"))));
  html += "<table><tr><th>metric</th><th>model</th><th>baseline</th><th>lift</th></tr>";
  for (const auto& [name, value] : holdout.items()) {
    std::string base = baseline.contains(name) ? text(baseline[name]) : "";
    std::string lift;
    if (baseline.contains(name) && value.is_number() && baseline[name].is_number()) {
      lift = fmt::format("{:+.4g}", value.get<double>() - baseline[name].get<double>());
    }
    html += fmt::format(
        R"(<tr><td>{}</td><td class="num">{}</td><td class="num">{}</td><td class="num">{}</td></tr>)",
        html_escape(name), text(value), base, lift);
  }
  html += "</table>";
  if (details.contains("importance") && !details["importance"].empty()) {
    std::vector<std::pair<std::string, double>> bars;
    for (const auto& entry : details["importance"]) {
      if (bars.size() == 25) break;
      bars.emplace_back(entry.value("feature", ""), entry.value("gain", 0.0));
    }
    html += "<h3>Feature importance</h3>" + svg_bar_chart(bars, "gain (XGBoost)");
  }
  return html;
}

std::string stages_section(const nlohmann::json& stages) {
  std::string html =
      "<table><tr><th>stage</th><th>status</th><th>seconds</th><th>rows</th><th>columns</th>"
      "<th>peak memory (MiB)</th><th>inputs</th></tr>";
  for (const auto& [name, stage] : ordered_stages(stages)) {
    std::string inputs;
    for (const auto& input : stage.value("inputs", nlohmann::json::array())) {
      inputs += fmt::format("<code>{}</code> {}<br>", text(input.value("path", nlohmann::json())),
                            text(input.value("hash", nlohmann::json())));
    }
    html += fmt::format(
        R"(<tr><td>{}</td>{}<td class="num">{:.3f}</td><td class="num">{}</td><td class="num">{}</td><td class="num">{:.1f}</td><td>{}</td></tr>)",
        html_escape(name), status_cell(stage.value("status", "")), stage.value("seconds", 0.0),
        text(stage.value("rows", nlohmann::json())), text(stage.value("columns", nlohmann::json())),
        stage.value("peak_rss_bytes", 0.0) / (1024.0 * 1024.0), inputs);
  }
  return html + "</table>";
}

std::string contracts_section(const nlohmann::json& stages) {
  std::string html =
      "<table><tr><th>stage</th><th>contract</th><th>check</th><th>column</th><th>expected</th>"
      "<th>observed</th><th>result</th><th>examples</th></tr>";
  size_t count = 0;
  for (const auto& [name, stage] : ordered_stages(stages)) {
    for (const auto& report : stage.value("contracts", nlohmann::json::array())) {
      for (const auto& check : report.value("checks", nlohmann::json::array())) {
        ++count;
        const bool passed = check.value("passed", false);
        const std::string severity = check.value("severity", "error");
        std::string examples;
        const auto& rows = check.value("example_rows", nlohmann::json::array());
        const auto& values = check.value("example_values", nlohmann::json::array());
        for (size_t i = 0; i < rows.size() && i < values.size(); ++i) {
          examples += fmt::format("row {}: {}<br>", text(rows[i]), text(values[i]));
        }
        html += fmt::format(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>{}<td>{}</td></"
            "tr>",
            html_escape(name), text(report.value("contract", nlohmann::json())),
            text(check.value("check", nlohmann::json())),
            text(check.value("column", nlohmann::json())),
            text(check.value("expected", nlohmann::json())),
            text(check.value("observed", nlohmann::json())),
            status_cell(passed               ? "ok"
                        : severity == "warn" ? "warn"
                                             : "failed"),
            examples);
      }
    }
  }
  return fmt::format("<p class=\"meta\">{} checks.</p>", count) + html + "</table>";
}

}  // namespace

std::string render_run_report(const nlohmann::json& manifest, const std::string& title) {
  const auto& stages = manifest.value("stages", nlohmann::json::object());
  std::string html = fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
      "<title>{}</title><style>{}</style></head><body>\n",
      html_escape(title), kStyle);
  html += fmt::format("<h1>{}</h1><p class=\"meta\">run <code>{}</code></p>\n", html_escape(title),
                      text(manifest.value("run_id", nlohmann::json())));
  html += "<h2>Run</h2>" + summary_section(manifest) + "\n";
  html += "<h2>Model metrics</h2>" +
          metrics_section(stages.value("train", nlohmann::json::object())) + "\n";
  html += "<h2>Stages</h2>" + stages_section(stages) + "\n";
  html += "<h2>Contracts</h2>" + contracts_section(stages) + "\n";
  html += "</body></html>\n";
  return html;
}

}  // namespace mlops

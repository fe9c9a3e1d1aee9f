// The Markdown rendering: what a CI job summary needs at a glance. The HTML report holds the
// charts and every check.

#include <fmt/format.h>

#include "mlops/core/escape.h"
#include "mlops/report/report_render.h"
#include "mlops/report/report_text.h"

namespace mlops {

namespace {

using nlohmann::json;

/// Checks listed one per row at most; the rest are counted.
constexpr size_t kListedChecks = 50;

std::string md(const json& value) {
  return markdown_escape(report_value(value));
}

std::string model_part(const json& model, const json& registry) {
  if (model.is_null()) return "No model was trained in this run.\n";
  std::string out = fmt::format("Holdout of {} rows; model trained on {} rows.",
                                md(model["holdout_rows"]), md(model["train_rows"]));
  const bool champion = !registry.is_null() && !registry["previous_champion_version"].is_null();
  if (!registry.is_null()) {
    std::string aliases;
    for (const auto& alias : registry["aliases"])
      aliases += (aliases.empty() ? "" : ", ") + md(alias);
    out +=
        fmt::format(" Registered as **{}** version **{}**{}.", md(registry["model"]),
                    md(registry["version"]), aliases.empty() ? "" : " (aliases: " + aliases + ")");
    if (registry["gate"].is_object()) {
      const json& gate = registry["gate"];
      out += fmt::format(" Promotion gate on {}: **{}**{}.", md(gate["metric"]),
                         gate["passed"] == true ? "passed" : "not passed",
                         gate["reason"].is_null() ? "" : " (" + md(gate["reason"]) + ")");
    }
  }
  out += fmt::format("\n\n| metric | model | baseline ({}) | vs baseline |",
                     md(model["baseline_model"]));
  if (champion) {
    out += fmt::format(" previous champion (v{}) | vs champion |",
                       md(registry["previous_champion_version"]));
  }
  out += champion ? "\n| --- | ---: | ---: | ---: | ---: | ---: |\n"
                  : "\n| --- | ---: | ---: | ---: |\n";
  for (const auto& metric : model["metrics"]) {
    out += fmt::format("| {} | **{}** | {} | {} |", md(metric["name"]), md(metric["value"]),
                       md(metric["baseline"]), report_delta(metric["value"], metric["baseline"]));
    if (champion) {
      out += fmt::format(" {} | {} |", md(metric["champion"]),
                         report_delta(metric["value"], metric["champion"]));
    }
    out += "\n";
  }
  return out;
}

std::string contracts_part(const json& contracts) {
  std::string out =
      fmt::format("**{} checks:** {} passed, {} warnings, {} failed.\n", md(contracts["total"]),
                  md(contracts["passed"]), md(contracts["warnings"]), md(contracts["failed"]));
  std::string rows;
  size_t listed = 0, unlisted = 0;
  for (const auto& check : contracts["checks"]) {
    if (check["result"] == "passed") continue;
    if (listed == kListedChecks) {
      ++unlisted;
      continue;
    }
    ++listed;
    rows += fmt::format("| {} | {} | {} | {} | {} | {} | {} |\n", md(check["stage"]),
                        md(check["contract"]), md(check["check"]), md(check["column"]),
                        md(check["expected"]), md(check["observed"]), md(check["result"]));
  }
  if (!rows.empty()) {
    out +=
        "\n| stage | contract | check | column | expected | observed | result |\n"
        "| --- | --- | --- | --- | --- | --- | --- |\n" +
        rows;
  }
  if (unlisted)
    out += fmt::format("\n{} more checks did not pass; see the HTML report.\n", unlisted);
  return out;
}

std::string drift_part(const json& drift) {
  const json& counts = drift["counts"];
  std::string out = fmt::format(
      "{} scored rows against the training profile: **{} drifted**, {} warnings, {} ok.\n",
      md(drift["rows"]), md(counts["drift"]), md(counts["warn"]), md(counts["ok"]));
  if (drift.value("status", "") == "insufficient_data") {
    out += fmt::format(
        "Too few rows to measure drift (drift.min_rows is {}): the PSI is not judged.\n",
        md(drift["min_rows"]));
  }
  std::string rows;
  for (const auto& feature : drift["features"]) {
    if (feature["status"] == "ok") continue;
    rows += fmt::format("| {} | {} | {} |\n", md(feature["feature"]), md(feature["psi"]),
                        md(feature["status"]));
  }
  if (!rows.empty()) out += "\n| feature | PSI | status |\n| --- | ---: | --- |\n" + rows;
  return out;
}

std::string stages_part(const json& stages) {
  std::string out =
      "| stage | status | seconds | rows | peak memory (MiB) |\n| --- | --- | ---: | ---: | ---: "
      "|\n";
  for (const auto& stage : stages) {
    out +=
        fmt::format("| {} | {} | {:.3f} | {} | {:.1f} |\n", md(stage["name"]), md(stage["status"]),
                    stage["seconds"].is_number() ? stage["seconds"].get<double>() : 0.0,
                    md(stage["rows"]), stage.value("peak_rss_mib", 0.0));
  }
  return out;
}

}  // namespace

std::string render_report_markdown(const json& content) {
  const json& run = content["run"];
  std::string out =
      fmt::format("## {}\n\n**Status: {}** &middot; workflow {} &middot; run {} &middot; env {}\n",
                  md(content["title"]), md(run["status"]), md(run["workflow"]), md(run["run_id"]),
                  md(run["env"]));
  out += "\n### Model\n\n" + model_part(content["model"], content["registry"]);
  out += "\n### Contracts\n\n" + contracts_part(content["contracts"]);
  if (!content["drift"].is_null()) out += "\n### Drift\n\n" + drift_part(content["drift"]);
  if (!content["live"].is_null()) {
    out +=
        "\n### Live metrics (all windows)\n\n| version | metric | value | rows |\n| --- | --- | "
        "--- | --- |\n";
    for (const auto& entry : content["live"]["overall"]) {
      out += fmt::format("| {} | {} | {} | {} |\n", md(entry["model_version"]), md(entry["metric"]),
                         md(entry["value"]), md(entry["rows"]));
    }
  }
  out += "\n### Stages\n\n" + stages_part(content["stages"]);
  return out;
}

}  // namespace mlops

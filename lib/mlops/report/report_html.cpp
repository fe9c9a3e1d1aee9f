#include <fmt/format.h>

#include "mlops/core/escape.h"
#include "mlops/report/report_html_sections.h"
#include "mlops/report/report_render.h"
#include "mlops/report/report_text.h"

namespace mlops {

namespace report_html {

std::string text(const nlohmann::json& value) {
  return html_escape(report_value(value));
}

std::string status_cell(const std::string& status) {
  // skipped: the stage's outputs were reused from an earlier run, which is a success too
  const char* css = status == "ok" || status == "passed" || status == "skipped" ? "ok"
                    : status == "warn" || status == "insufficient_data"         ? "warn"
                                                                                : "fail";
  return fmt::format(R"(<td class="{}">{}</td>)", css, html_escape(status));
}

}  // namespace report_html

namespace {

using nlohmann::json;
using report_html::status_cell;
using report_html::text;

constexpr const char* kStyle = R"(
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:1.5rem auto;max-width:1180px;color:#1d2330;padding:0 1rem;line-height:1.4}
h1{font-size:1.6rem;margin:0 0 .3rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #d8dde6;padding-bottom:.3rem}h3{font-size:1rem;margin:1.2rem 0 .4rem}
nav{margin:.6rem 0 0;font-size:.9rem}nav a{margin-right:.9rem;color:#3b6ea5;text-decoration:none}
table{border-collapse:collapse;width:100%;font-size:.86rem}th,td{text-align:left;padding:.28rem .5rem;border-bottom:1px solid #eceff4;vertical-align:top}
th{background:#f4f6fa;font-weight:600}td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}table.kv th{width:9rem}
.ok{color:#1a7f37;font-weight:600}.fail{color:#cf222e;font-weight:600}.warn{color:#9a6700;font-weight:600}
.better{color:#1a7f37}.worse{color:#cf222e}
.badge{display:inline-block;padding:.05rem .5rem;border-radius:1rem;font-size:.85rem;font-weight:600;background:#dafbe1;color:#1a7f37}.badge.fail{background:#ffebe9;color:#cf222e}.badge.warn{background:#fff8c5;color:#9a6700}
.meta{color:#57606a;font-size:.9rem}code{font-size:.82rem;background:#f4f6fa;padding:0 .2rem;word-break:break-all}
.charts{display:flex;flex-wrap:wrap;gap:1rem;align-items:flex-start}svg{max-width:100%;height:auto}td svg{display:block}
.top{font-size:.8rem;color:#424a53}th.share{width:22%}.bar{height:.7rem;background:#3b6ea5;border-radius:2px;min-width:1px}details{margin:.2rem 0}summary{cursor:pointer}
)";

std::string badge(const std::string& status) {
  const char* css = status == "ok"                               ? ""
                    : status == "running" || status == "partial" ? " warn"
                                                                 : " fail";
  return fmt::format(R"(<span class="badge{}">{}</span>)", css, html_escape(status));
}

/// Two facts per row, so the summary stays short.
std::string run_section(const json& run) {
  const std::pair<const char*, const char*> facts[] = {{"workflow", "workflow"},
                                                       {"run", "run_id"},
                                                       {"environment", "env"},
                                                       {"status", "status"},
                                                       {"started", "started_at"},
                                                       {"updated", "updated_at"},
                                                       {"workflow file", "workflow_file"},
                                                       {"config hash", "config_hash"},
                                                       {"mlops version", "mlops_version"}};
  std::string html = R"(<table class="kv">)";
  for (size_t i = 0; i < std::size(facts); ++i) {
    html += fmt::format("{}<th>{}</th><td>{}</td>{}", i % 2 == 0 ? "<tr>" : "", facts[i].first,
                        text(run.value(facts[i].second, json())),
                        i % 2 == 1 || i + 1 == std::size(facts) ? "</tr>" : "");
  }
  return html + "</table>";
}

std::string stages_section(const json& stages) {
  std::string html =
      "<table><tr><th>stage</th><th>status</th><th>seconds</th><th class=\"share\">share of "
      "time</th><th>rows</th><th>columns</th><th>peak memory (MiB)</th></tr>";
  std::string lineage;
  auto seconds_of = [](const json& stage) {
    return stage["seconds"].is_number() ? stage["seconds"].get<double>() : 0.0;
  };
  double total = 0;
  for (const auto& stage : stages) total += seconds_of(stage);
  for (const auto& stage : stages) {
    // A bar per stage: its share of the run's time.
    const double share = total > 0 ? seconds_of(stage) / total : 0;
    html += fmt::format(
        R"(<tr><td>{}</td>{}<td class="num">{:.3f}</td><td><div class="bar" style="width:{:.1f}%"></div></td><td class="num">{}</td><td class="num">{}</td><td class="num">{:.1f}</td></tr>)",
        text(stage["name"]), status_cell(stage.value("status", "")), seconds_of(stage), 100 * share,
        text(stage["rows"]), text(stage["columns"]), stage.value("peak_rss_mib", 0.0));
    if (stage.contains("error")) {
      html += fmt::format(R"(<tr><td></td><td colspan="6" class="fail">{}</td></tr>)",
                          text(stage["error"]));
    }
    for (const char* direction : {"inputs", "outputs"}) {
      for (const auto& file : stage[direction]) {
        lineage += fmt::format(
            "<tr><td>{}</td><td>{}</td><td><code>{}</code></td><td><code>{}</code></td></tr>",
            text(stage["name"]), direction == std::string("inputs") ? "read" : "wrote",
            text(file["path"]), text(file["hash"]));
      }
    }
  }
  html += "</table>";
  if (!lineage.empty()) {
    html += "<h3>Lineage</h3><table><tr><th>stage</th><th></th><th>file</th><th>hash</th></tr>" +
            lineage + "</table>";
  }
  return html;
}

std::string contracts_section(const json& contracts) {
  std::string html = fmt::format(
      R"(<p class="meta">{} checks: <span class="ok">{} passed</span>, <span class="warn">{} warnings</span>, <span class="fail">{} failed</span>.</p>)",
      text(contracts["total"]), text(contracts["passed"]), text(contracts["warnings"]),
      text(contracts["failed"]));
  html +=
      "<table><tr><th>stage</th><th>contract</th><th>check</th><th>column</th><th>expected</th>"
      "<th>observed</th><th>result</th><th>examples</th></tr>";
  for (const auto& check : contracts["checks"]) {
    std::string examples;
    for (const auto& example : check["examples"]) {
      examples += fmt::format("row {}: {}<br>", text(example["row"]), text(example["value"]));
    }
    html += fmt::format(
        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>{}<td>{}</td></tr>",
        text(check["stage"]), text(check["contract"]), text(check["check"]), text(check["column"]),
        text(check["expected"]), text(check["observed"]), status_cell(check.value("result", "")),
        examples);
  }
  return html + "</table>";
}

}  // namespace

std::string render_report_html(const json& content) {
  const json& run = content["run"];
  const std::string title = content.value("title", "");
  std::string html = fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
      "<title>{}</title><style>{}</style></head><body>\n",
      html_escape(title), kStyle);
  html += fmt::format(
      "<header><h1>{}</h1><p class=\"meta\">{} workflow <b>{}</b> &middot; run <code>{}</code> "
      "&middot; env {} &middot; started {}</p>",
      html_escape(title), badge(run.value("status", "")), text(run["workflow"]),
      text(run["run_id"]), text(run["env"]), text(run["started_at"]));

  // Sections in reading order; those without content are left out, and so is their link.
  const std::pair<const char*, std::string> sections[] = {
      {"Run", run_section(run)},
      {"Model", report_html::model_section(content["model"], content["registry"])},
      {"Training curve", report_html::curve_section(content["curve"])},
      {"Evaluation", report_html::evaluation_section(content["evaluation"])},
      {"Feature importance", report_html::importance_section(content["importance"])},
      {"Drift", report_html::drift_section(content["drift"])},
      {"Live metrics", report_html::live_section(content["live"])},
      {"Data profile", report_html::data_profile_section(content["data_profile"])},
      {"Stages", stages_section(content["stages"])},
      {"Contracts", contracts_section(content["contracts"])}};
  auto anchor = [](std::string name) {
    for (char& c : name) c = c == ' ' ? '-' : static_cast<char>(std::tolower(c));
    return name;
  };
  html += "<nav>";
  for (const auto& [name, body] : sections) {
    if (!body.empty()) html += fmt::format(R"(<a href="#{}">{}</a>)", anchor(name), name);
  }
  html += "</nav></header>\n";
  for (const auto& [name, body] : sections) {
    if (!body.empty()) {
      html += fmt::format("<section id=\"{}\"><h2>{}</h2>{}</section>\n", anchor(name), name, body);
    }
  }
  return html + "</body></html>\n";
}

}  // namespace mlops

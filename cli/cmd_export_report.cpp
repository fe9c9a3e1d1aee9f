#include <fmt/format.h>

#include "commands.h"
#include "mlops/core/error.h"
#include "mlops/io/file.h"
#include "mlops/pipeline/runner.h"
#include "mlops/pipeline/workflow_check.h"
#include "stage_command.h"

namespace mlops::cli {

namespace {

struct ReportOptions {
  CommonOptions common;
  std::string format = "html";
};

/// Writes the report of each workflow's run (--workflow, else every configured workflow, so a
/// CI job can append them all to its summary), then prints per --format: the stage's outputs
/// (html), the Markdown report or the report as JSON. Only the report goes to stdout in md and
/// json; logs go to stderr.
void run_export_report(const ReportOptions& options) {
  std::vector<Workflow> workflows = load_checked_workflows(to_load_options(options.common));
  if (workflows.size() > 1 && !options.common.run_id.empty()) {
    throw ConfigError(
        "--run {} names one run, but {} workflows are configured; pick one with "
        "--workflow FILE",
        options.common.run_id, workflows.size());
  }
  nlohmann::json reports = nlohmann::json::array();
  for (size_t i = 0; i < workflows.size(); ++i) {
    configure_logging(workflows[i].settings.log_format, workflows[i].settings.log_level);
    RunContext run = RunContext::open(workflows[i], options.common.run_id);
    execute_stage(run, Stage::kReport);
    if (options.format == "md") {
      fmt::print("{}{}", i > 0 ? "\n" : "", read_file(run.paths().report_markdown()));
    } else if (options.format == "json") {
      reports.push_back(nlohmann::json::parse(read_file(run.paths().report_json())));
    } else {
      print_stage_result(run, Stage::kReport);
    }
  }
  // One workflow: its report object, as in report.json; several: an array of them.
  if (options.format == "json") {
    fmt::print("{}\n", (reports.size() == 1 ? reports[0] : reports).dump(2));
  }
}

}  // namespace

void setup_export_report(CLI::App& app) {
  auto options = std::make_shared<ReportOptions>();
  CLI::App* command = app.add_subcommand(
      "export-report",
      "Write the run's report: self-contained HTML, a Markdown summary and the same as JSON");
  add_common_options(*command, options->common);
  add_run_option(*command, options->common);
  command
      ->add_option("--format", options->format,
                   "What to print: html (where the files went), md (the Markdown summary, e.g. "
                   "for $GITHUB_STEP_SUMMARY) or json")
      ->check(CLI::IsMember({"html", "md", "json"}))
      ->capture_default_str();
  command->callback([options] { run_export_report(*options); });
}

}  // namespace mlops::cli

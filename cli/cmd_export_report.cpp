#include <fmt/format.h>

#include "commands.h"
#include "front_door.h"
#include "mlops/io/file.h"
#include "mlops/pipeline/run_selection.h"
#include "mlops/pipeline/runner.h"
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
  const CommandConfig config = load_command_config(options.common, ConfigScope::kEveryWorkflow);
  const std::vector<Workflow>& workflows = config.workflows;
  require_one_workflow_for_run(workflows.size(), options.common.run_id);
  nlohmann::json reports = nlohmann::json::array();
  for (size_t i = 0; i < workflows.size(); ++i) {
    apply_log_settings(workflows[i].settings);
    RunContext run = open_run_for_stage(workflows[i], Stage::kReport, options.common.run_id);
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

void setup_export_report(CLI::App& command) {
  auto options = std::make_shared<ReportOptions>();
  add_common_options(command, options->common);
  add_run_option(command, options->common);
  command
      .add_option("--format", options->format,
                  "What to print: html (where the files went), md (the Markdown summary, e.g. "
                  "for $GITHUB_STEP_SUMMARY) or json")
      ->check(CLI::IsMember({"html", "md", "json"}))
      ->capture_default_str();
  command.callback([options] { run_export_report(*options); });
}

}  // namespace mlops::cli

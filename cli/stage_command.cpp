#include "stage_command.h"

#include <fmt/format.h>

#include "mlops/pipeline/runner.h"
#include "mlops/pipeline/workflow_check.h"

namespace mlops::cli {

CLI::App* add_stage_command(CLI::App& app, Stage stage, const std::string& name,
                            const std::string& description, std::function<bool()> alternative,
                            std::shared_ptr<CommonOptions> options) {
  if (!options) options = std::make_shared<CommonOptions>();
  CLI::App* command = app.add_subcommand(name, description);
  add_common_options(*command, *options);
  add_run_option(*command, *options);
  command->callback([options, stage, alternative] {
    if (alternative && alternative()) return;
    Workflow workflow = load_checked_workflow(to_load_options(*options));
    configure_logging(workflow.settings.log_format, workflow.settings.log_level);
    // ingest, and batch-predict of a given input (a scoring job), start a new run unless
    // --run names one; other stages work in the latest run.
    const bool starts_run = stage == Stage::kIngest ||
                            (stage == Stage::kBatchPredict && !workflow.predict.input.empty());
    RunContext run = starts_run && options->run_id.empty()
                         ? RunContext::start(workflow)
                         : RunContext::open(workflow, options->run_id);
    execute_stage(run, stage);
    print_stage_result(run, stage);
  });
  return command;
}

void print_stage_result(const RunContext& run, Stage stage) {
  const auto& record = run.manifest()["stages"][std::string(stage_name(stage))];
  fmt::print("{} {} {}: ok ({} rows, {:.3f} s)\n", run.workflow().name, run.run_id(),
             stage_name(stage), record.value("rows", 0), record.value("seconds", 0.0));
  for (const auto& output : record.value("outputs", nlohmann::json::array())) {
    fmt::print("  {}\n", output.value("path", ""));
  }
}

}  // namespace mlops::cli

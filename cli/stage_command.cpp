#include "stage_command.h"

#include <fmt/format.h>

#include "front_door.h"
#include "mlops/pipeline/run_selection.h"
#include "mlops/pipeline/runner.h"

namespace mlops::cli {

void bind_stage_command(CLI::App& command, Stage stage, std::function<bool()> alternative,
                        std::shared_ptr<CommonOptions> options) {
  if (!options) options = std::make_shared<CommonOptions>();
  add_common_options(command, *options);
  add_run_option(command, *options);
  command.callback([options, stage, alternative] {
    if (alternative && alternative()) return;
    const CommandConfig config = load_command_config(*options, ConfigScope::kOneWorkflow);
    RunContext run = open_run_for_stage(config.workflows.front(), stage, options->run_id);
    execute_stage(run, stage);
    print_stage_result(run, stage);
  });
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

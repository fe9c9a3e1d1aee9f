#include <fmt/format.h>

#include "commands.h"
#include "front_door.h"
#include "mlops/pipeline/runner.h"
#include "options.h"

namespace mlops::cli {

void setup_run(CLI::App& command) {
  auto options = std::make_shared<CommonOptions>();
  add_common_options(command, *options);
  add_force_option(command, *options);
  command.callback([options] {
    const CommandConfig config = load_command_config(*options, ConfigScope::kEveryWorkflow);
    for (const auto& workflow : config.workflows) {
      apply_log_settings(workflow.settings);
      const std::string run_id = execute_workflow(workflow, options->force);
      const std::string root = workflow.settings.runs_dir + "/" + run_id;
      fmt::print("{} {}: ok\n  report   {}/report/report.html\n  metrics  {}/metrics.json\n",
                 workflow.name, run_id, root, root);
    }
  });
}

}  // namespace mlops::cli

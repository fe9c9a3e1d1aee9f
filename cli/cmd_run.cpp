#include <fmt/format.h>

#include "commands.h"
#include "mlops/core/log.h"
#include "mlops/pipeline/runner.h"
#include "mlops/pipeline/workflow_check.h"
#include "options.h"

namespace mlops::cli {

void setup_run(CLI::App& app) {
  auto options = std::make_shared<CommonOptions>();
  CLI::App* command = app.add_subcommand(
      "run", "Run every stage of the workflow (or of each configured workflow) in a new run");
  add_common_options(*command, *options);
  command->callback([options] {
    std::vector<Workflow> workflows = load_checked_workflows(to_load_options(*options));
    for (const auto& workflow : workflows) {
      configure_logging(workflow.settings.log_format, workflow.settings.log_level);
      const std::string run_id = execute_workflow(workflow);
      const std::string root = workflow.settings.runs_dir + "/" + run_id;
      fmt::print("{} {}: ok\n  report   {}/report/report.html\n  metrics  {}/metrics.json\n",
                 workflow.name, run_id, root, root);
    }
  });
}

}  // namespace mlops::cli

#include "stage_command.h"

#include <fmt/format.h>

#include "front_door.h"
#include "mlops/core/run_manifest.h"
#include "mlops/pipeline/run_selection.h"
#include "mlops/pipeline/runner.h"

namespace mlops::cli {

void bind_stage_command(CLI::App& command, Stage stage, std::function<bool()> alternative,
                        std::shared_ptr<CommonOptions> options) {
  if (!options) options = std::make_shared<CommonOptions>();
  add_common_options(command, *options);
  add_run_option(command, *options);
  add_force_option(command, *options);
  command.callback([options, stage, alternative] {
    if (alternative && alternative()) return;
    const CommandConfig config = load_command_config(*options, ConfigScope::kOneWorkflow);
    RunContext run = open_run_for_stage(config.workflows.front(), stage, options->run_id);
    const bool ran = execute_stage(run, stage, options->force);
    print_stage_result(run, stage, ran);
  });
}

void print_stage_result(const RunContext& run, Stage stage, bool ran) {
  static const StageManifest kNotRecorded;
  const RunManifest manifest = read_run_manifest(run.manifest());
  const StageManifest* record = manifest.stage(stage);
  if (!record) record = &kNotRecorded;
  if (!ran || record->status == "skipped") {
    // Skipped in this very run (a stage command repeated): its own outputs stand.
    fmt::print("{} {} {}: skipped, unchanged since run {} ({} rows)\n", run.workflow().name,
               run.run_id(), stage_name(stage), record->reused_from.value_or(run.run_id()),
               record->rows.value_or(0));
  } else {
    fmt::print("{} {} {}: ok ({} rows, {:.3f} s)\n", run.workflow().name, run.run_id(),
               stage_name(stage), record->rows.value_or(0), record->seconds.value_or(0.0));
  }
  for (const auto& output : record->outputs) fmt::print("  {}\n", output.path.value_or(""));
}

}  // namespace mlops::cli

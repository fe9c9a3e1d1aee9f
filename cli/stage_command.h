#pragma once
// The shared shape of the stage subcommands: load the workflow, open its run (or start one for
// ingest), execute the stage, print where its outputs went.

#include <functional>
#include <memory>

#include "mlops/pipeline/run_context.h"
#include "options.h"

namespace mlops::cli {

/// Makes `command` run `stage` alone. When `alternative` is given and returns true, it has
/// handled the command itself (validate's file mode) and the stage does not run. `options`,
/// when given, is the command's option set, so the caller can add flags that become `--set`
/// overrides.
void bind_stage_command(CLI::App& command, Stage stage, std::function<bool()> alternative = {},
                        std::shared_ptr<CommonOptions> options = nullptr);
/// Prints "<workflow> <run> <stage>: ok (N rows, S s)" (or, when it did not run or reused
/// another run's outputs, "skipped, unchanged since run X (N rows)") and the paths the stage
/// wrote.
void print_stage_result(const RunContext& run, Stage stage, bool ran = true);

}  // namespace mlops::cli

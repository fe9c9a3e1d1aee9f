#pragma once
// The stage runner: times each stage, measures its peak memory, records it in the manifest,
// logs it, and enforces its contracts (a failed `error` check stops the run with exit 3); it
// skips a stage whose inputs, config and code are unchanged since its last success.

#include <string>

#include "mlops/pipeline/run_context.h"

namespace mlops {

/// Runs one stage inside `run`, reading its inputs from the run's files. Unless `force`, a stage
/// unchanged since its last successful run (stage_skip.h: same fingerprint, outputs intact) is
/// skipped: the run reuses those outputs, records the stage `skipped` and logs "<stage>:
/// unchanged since run X, skipped; --force reruns". Export-report always runs. Throws what the
/// stage throws (after recording the failure in the manifest) and ContractError for a violated
/// contract. Returns false when the stage was skipped.
bool execute_stage(RunContext& run, Stage stage, bool force = false);
/// Starts a new run and executes every stage in order (each skipped when unchanged, unless
/// `force`), each stage handing the tables it wrote to the next one in memory (the files are
/// written all the same); returns the run id.
std::string execute_workflow(const Workflow& workflow, bool force = false);

}  // namespace mlops

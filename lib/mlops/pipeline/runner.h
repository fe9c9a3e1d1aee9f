#pragma once
// The stage runner: times each stage, measures its peak memory, records it in the manifest,
// logs it, and enforces its contracts (a failed `error` check stops the run with exit 3).

#include <string>

#include "mlops/pipeline/run_context.h"

namespace mlops {

/// Runs one stage inside `run`, reading its inputs from the run's files. Throws what the stage
/// throws (after recording the failure in the manifest) and ContractError for a violated
/// contract.
void execute_stage(RunContext& run, Stage stage);
/// Starts a new run and executes every stage in order, each stage handing the tables it wrote
/// to the next one in memory (the files are written all the same); returns the run id.
std::string execute_workflow(const Workflow& workflow);

}  // namespace mlops

#pragma once
// `mlops train --workers N`: XGBoost's tracker and N worker processes on this machine, each a
// `mlops train --rank K --world-size N --tracker 127.0.0.1:PORT` of the same run; and what a
// worker does once it has joined the job (train_as_worker).

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "mlops/pipeline/run_context.h"

namespace mlops {

/// Starts XGBoost's tracker on 127.0.0.1 and `workers` processes, `argv_for(rank, "HOST:PORT")`
/// each, and waits for them all. When one fails, the others get `grace` to stop by
/// themselves (a lost peer fails their next allreduce at once) before they are killed, so the
/// job ends within a bound. SIGTERM / SIGINT stop every worker. Throws an Error naming the
/// cause (a worker killed by a signal, else one that failed otherwise than by losing a peer,
/// else the first failure) and how each worker ended, with the cause's exit code (a signal:
/// NetworkError, exit 5).
void run_local_workers(
    int workers, const std::function<std::vector<std::string>(int, const std::string&)>& argv_for,
    std::chrono::seconds grace);

/// One worker of a distributed training, joined (run.collective() set): rank 0 runs the train
/// stage in `run` (always: the others cannot skip with it) and so writes the model, its
/// documents and the manifest entry and registers the version; the other ranks train their
/// shard with it and write nothing (run_train_worker). Logs the bytes this worker passed to
/// allreduce. Returns true for rank 0.
bool train_as_worker(RunContext& run);

}  // namespace mlops

// `mlops train`: the train stage in one process; with --workers N, XGBoost's tracker and N
// worker processes on this machine; with --rank/--world-size/--tracker (or the DMLC_*
// variables XGBoost's tracker prints), one worker of a job spread over machines.

#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>

#include "commands.h"
#include "front_door.h"
#include "mlops/core/error.h"
#include "mlops/model/train/trainer.h"
#include "mlops/model/xgb/collective.h"
#include "mlops/pipeline/run_selection.h"
#include "mlops/pipeline/train_workers.h"
#include "stage_command.h"

namespace mlops::cli {

namespace {

struct DistributedFlags {
  int workers = 1;
  std::optional<int> rank;
  std::optional<int> world_size;
  std::string tracker;
  int timeout = 600;
};

/// --tracker, else DMLC_TRACKER_URI and DMLC_TRACKER_PORT; empty when neither is set.
std::string tracker_address(const DistributedFlags& flags) {
  if (!flags.tracker.empty()) return flags.tracker;
  const char* uri = std::getenv("DMLC_TRACKER_URI");
  const char* port = std::getenv("DMLC_TRACKER_PORT");
  if (uri && *uri && port && *port) return fmt::format("{}:{}", uri, port);
  if (uri && *uri) throw ConfigError("DMLC_TRACKER_URI is set but DMLC_TRACKER_PORT is not");
  return "";
}

/// This executable, to start the workers of --workers with.
std::string own_executable() {
  char path[4096];
  const ssize_t length = ::readlink("/proc/self/exe", path, sizeof path - 1);
  if (length <= 0) throw IoError("cannot find this executable (/proc/self/exe)");
  return std::string(path, static_cast<size_t>(length));
}

/// The worker command line for `rank` of a --workers job: the same config flags, one run.
std::vector<std::string> worker_argv(const CommonOptions& options, const DistributedFlags& flags,
                                     const std::string& run_id, int rank,
                                     const std::string& tracker) {
  std::vector<std::string> argv{own_executable(), "train",        "--env",
                                options.env,      "--config-dir", options.config_dir};
  if (!options.workflow.empty()) argv.insert(argv.end(), {"--workflow", options.workflow});
  for (const auto& set : options.sets) argv.insert(argv.end(), {"--set", set});
  if (!options.log_format.empty()) argv.insert(argv.end(), {"--log-format", options.log_format});
  argv.insert(argv.end(), {"--run", run_id, "--rank", std::to_string(rank), "--world-size",
                           std::to_string(flags.workers), "--tracker", tracker, "--timeout",
                           std::to_string(flags.timeout)});
  return argv;
}

/// Runs the distributed forms of train; false when the command is a single-process train.
bool run_distributed(const CommonOptions& options, const DistributedFlags& flags) {
  const std::string tracker = tracker_address(flags);
  if (flags.workers > 1 && !tracker.empty()) {
    throw ConfigError(
        "--workers starts its own tracker and workers on this machine; a worker of "
        "another job takes --rank, --world-size and --tracker instead");
  }
  if (flags.workers <= 1 && tracker.empty()) {
    if (flags.rank || flags.world_size) {
      throw ConfigError(
          "--rank and --world-size need --tracker HOST:PORT (or DMLC_TRACKER_URI "
          "and DMLC_TRACKER_PORT)");
    }
    return false;
  }
  if (flags.workers > 1) {
    const CommandConfig config = load_command_config(options, ConfigScope::kOneWorkflow);
    check_distributed_spec(config.workflows.front().train);  // before any process starts
    // The run is chosen once, so every worker trains in the same one.
    const RunContext run =
        open_run_for_stage(config.workflows.front(), Stage::kTrain, options.run_id);
    const std::string run_id = run.run_id();
    run_local_workers(
        flags.workers,
        [&](int rank, const std::string& address) {
          return worker_argv(options, flags, run_id, rank, address);
        },
        std::chrono::seconds(30));
    return true;
  }
  if (!flags.rank || !flags.world_size) {
    throw ConfigError(
        "a distributed training worker needs --rank K and --world-size N (or "
        "DMLC_TASK_ID and DMLC_NUM_WORKER)");
  }
  check_rank(*flags.rank, *flags.world_size);
  const auto [host, port] = parse_host_port(tracker, "--tracker");
  CommandConfig config = load_command_config(options, ConfigScope::kOneWorkflow);
  Workflow& workflow = config.workflows.front();
  check_distributed_spec(workflow.train);
  // One message per job, not one per worker: rank 0 speaks for the job (a failure of another
  // rank fails rank 0's collective too, within the timeout).
  if (*flags.rank != 0) workflow.settings.notify.webhooks.clear();
  RunContext run = open_run_for_stage(workflow, Stage::kTrain, options.run_id);
  CollectiveConfig settings;
  settings.tracker_host = host;
  settings.tracker_port = port;
  settings.rank = *flags.rank;
  settings.world_size = *flags.world_size;
  settings.timeout_seconds = flags.timeout;
  settings.join_timeout_seconds = flags.timeout;
  settings.connect_retries = std::min(flags.timeout, 30);
  // XGBoost's wait for the other workers cannot be interrupted: past the bound this process
  // ends, as main() would end it for a NetworkError (nothing is written before the job starts).
  const Collective team(settings, [](const std::string& message) {
    std::fprintf(stderr, "mlops: io error: %s\n", message.c_str());
    std::fflush(stderr);
    std::_Exit(static_cast<int>(ExitCode::kIo));
  });
  run.set_collective(&team);
  if (train_as_worker(run)) print_stage_result(run, Stage::kTrain);
  return true;
}

}  // namespace

void setup_train(CLI::App& command) {
  auto options = std::make_shared<CommonOptions>();
  auto flags = std::make_shared<DistributedFlags>();
  command
      .add_option("--workers", flags->workers,
                  "Train with N worker processes on this machine, each on 1/N of the rows, "
                  "through XGBoost's collective (starts XGBoost's tracker: python3-xgboost)")
      ->check(CLI::Range(1, 256))
      ->type_name("N");
  command
      .add_option("--rank", flags->rank,
                  "This worker's rank in a distributed training (0..N-1; rank 0 writes the "
                  "model and registers it)")
      ->envname("DMLC_TASK_ID")
      ->type_name("K");
  command.add_option("--world-size", flags->world_size, "The number of workers of that training")
      ->envname("DMLC_NUM_WORKER")
      ->type_name("N");
  command
      .add_option("--tracker", flags->tracker,
                  "XGBoost's tracker of that training (`mlops tracker` prints it; default "
                  "DMLC_TRACKER_URI:DMLC_TRACKER_PORT)")
      ->type_name("HOST:PORT");
  command
      .add_option("--timeout", flags->timeout,
                  "Distributed training: seconds a worker waits for the others to join, or for "
                  "a silent peer, before it fails (exit 5)")
      ->check(CLI::Range(1, 86400))
      ->capture_default_str()
      ->type_name("SECONDS");
  bind_stage_command(
      command, Stage::kTrain, [options, flags] { return run_distributed(*options, *flags); },
      options);
}

}  // namespace mlops::cli

#include "mlops/pipeline/train_workers.h"

#include <fmt/format.h>

#include <csignal>
#include <cstdlib>
#include <optional>
#include <thread>

#include "mlops/core/error.h"
#include "mlops/core/log.h"
#include "mlops/core/memory.h"
#include "mlops/core/stop_signal.h"
#include "mlops/io/child_process.h"
#include "mlops/model/xgb/collective.h"
#include "mlops/model/xgb/tracker.h"
#include "mlops/pipeline/runner.h"
#include "mlops/pipeline/stages.h"

namespace mlops {

namespace {

/// The error the job ends with. The cause is the worker killed by a signal, else one that
/// failed with anything but a lost peer (exit 5 is what the others report once one is gone),
/// else the first failure seen; its exit code is the job's when it is one of ours.
[[noreturn]] void throw_job_failure(const std::vector<int>& failed,
                                    const std::vector<int>& status) {
  auto find = [&](auto&& wanted) {
    for (int rank : failed) {
      if (wanted(status[static_cast<size_t>(rank)])) return rank;
    }
    return -1;
  };
  int cause = find([](int end) { return end > 128; });
  if (cause < 0) cause = find([](int end) { return end != static_cast<int>(ExitCode::kIo); });
  if (cause < 0) cause = failed.front();
  const int end = status[static_cast<size_t>(cause)];
  std::string message =
      fmt::format("distributed training failed: worker {} {}", cause,
                  end > 128 ? "was " + describe_exit(end) : "ended with " + describe_exit(end));
  for (size_t rank = 0; rank < status.size(); ++rank) {
    message += fmt::format("; worker {}: {}", rank, describe_exit(status[rank]));
  }
  if (end >= 1 && end <= 5) throw Error(static_cast<ExitCode>(end), message);
  throw NetworkError("{}", message);
}

}  // namespace

void run_local_workers(
    int workers, const std::function<std::vector<std::string>(int, const std::string&)>& argv_for,
    std::chrono::seconds grace) {
  install_stop_handlers();
  Tracker tracker = Tracker::start("127.0.0.1", 0, workers);
  const std::string address = fmt::format("{}:{}", tracker.host(), tracker.port());
  log_info("train: XGBoost's tracker started",
           {{"tracker", address}, {"workers", workers}, {"pid", tracker.process().pid()}});
  // N workers on one machine share its cores: OpenMP's default busy-wait at every barrier
  // then spins on cores another worker needs (penguins, 2 workers with nthread 2 on 2 cores:
  // 40 s instead of 1 s). Workers inherit a passive wait unless the user chose a policy.
  ::setenv("OMP_WAIT_POLICY", "passive", /*overwrite=*/0);
  std::vector<ChildProcess> children;
  children.reserve(static_cast<size_t>(workers));
  for (int rank = 0; rank < workers; ++rank) {
    children.push_back(ChildProcess::start(argv_for(rank, address)));
  }
  std::vector<std::optional<int>> status(children.size());
  std::vector<int> failed;  // ranks in the order their failure was seen
  std::optional<std::chrono::steady_clock::time_point> kill_at;
  size_t running = children.size();
  while (running > 0) {
    for (size_t rank = 0; rank < children.size(); ++rank) {
      if (status[rank]) continue;
      status[rank] = children[rank].poll();
      if (!status[rank]) continue;
      --running;
      if (*status[rank] != 0) {
        if (failed.empty()) {
          kill_at = std::chrono::steady_clock::now() + grace;
          log_warn("train: a worker failed; the others stop",
                   {{"rank", rank}, {"end", describe_exit(*status[rank])}});
        }
        failed.push_back(static_cast<int>(rank));
      }
    }
    if (stop_requested() && !kill_at) {
      for (auto& child : children) child.send_signal(SIGTERM);
      kill_at = std::chrono::steady_clock::now() + grace;
    }
    if (kill_at && std::chrono::steady_clock::now() >= *kill_at) {
      for (auto& child : children) child.send_signal(SIGKILL);
    }
    if (running > 0) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  std::vector<int> ends;
  for (const auto& end : status) ends.push_back(*end);
  if (!failed.empty()) throw_job_failure(failed, ends);
  if (stop_requested()) throw NetworkError("distributed training: stopped by a signal");
  // Every worker finished: the tracker has seen them all shut down and ends by itself.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!tracker.process().poll() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

bool train_as_worker(RunContext& run) {
  const Collective& team = *run.collective();
  log_info("train: joined the distributed training",
           {{"rank", team.rank()}, {"world_size", team.world_size()}});
  if (team.rank() == 0) {
    execute_stage(run, Stage::kTrain, true);
  } else {
    run_train_worker(run);
  }
  // Rank 0's peak is its stage's (the runner resets it as the stage starts).
  log_info("train: worker done",
           {{"rank", team.rank()},
            {"bytes_allreduced", team.bytes_reduced()},
            {"peak_rss_mb", static_cast<double>(peak_rss_bytes()) / (1 << 20)}});
  return team.rank() == 0;
}

}  // namespace mlops

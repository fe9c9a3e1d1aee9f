// `mlops tracker`: XGBoost's tracker for a distributed training over several machines. Prints
// the environment the workers join with, then serves until every worker has finished.

#include <fmt/format.h>

#include <csignal>
#include <thread>

#include "commands.h"
#include "mlops/core/error.h"
#include "mlops/core/stop_signal.h"
#include "mlops/model/xgb/tracker.h"

namespace mlops::cli {

namespace {

struct TrackerOptions {
  int world_size = 0;
  std::string host = "auto";
  int port = 9091;
};

void run_tracker(const TrackerOptions& options) {
  install_stop_handlers();
  Tracker tracker = Tracker::start(options.host, options.port, options.world_size);
  for (const auto& [name, value] : tracker.worker_env()) fmt::print("{}={}\n", name, value);
  std::fflush(stdout);
  while (!tracker.process().poll()) {
    if (stop_requested()) {
      tracker.process().send_signal(SIGTERM);
      tracker.process().wait();
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  const int status = *tracker.process().poll();
  if (status != 0) throw NetworkError("XGBoost's tracker ended with {}", describe_exit(status));
}

}  // namespace

void setup_tracker(CLI::App& command) {
  auto options = std::make_shared<TrackerOptions>();
  command.add_option("--world-size", options->world_size, "The number of workers to wait for")
      ->required()
      ->check(CLI::Range(1, 4096))
      ->type_name("N");
  command
      .add_option("--host", options->host,
                  "Address to listen on and tell the workers (default: this machine's address "
                  "as XGBoost guesses it)")
      ->capture_default_str()
      ->type_name("IP");
  command.add_option("--port", options->port, "Port to listen on (0: any free port)")
      ->check(CLI::Range(0, 65535))
      ->capture_default_str();
  command.callback([options] { run_tracker(*options); });
}

}  // namespace mlops::cli

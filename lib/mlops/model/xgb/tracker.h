#pragma once
// XGBoost's tracker (RabitTracker from Debian's python3-xgboost) started as a child process:
// the one Python the distributed path needs, and only it (single-process training and every
// other command never start Python).

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "mlops/io/child_process.h"

namespace mlops {

/// The Python interpreter the tracker runs under: $MLOPS_PYTHON, else /usr/bin/python3 (the
/// one Debian's python3-xgboost installs into).
std::string tracker_python();

class Tracker {
 public:
  /// Starts XGBoost's tracker for `world_size` workers, listening on `host` ("auto": XGBoost's
  /// guess of this machine's address) and `port` (0: any free port), and waits up to `wait`
  /// for it to print the workers' environment. Workers get their rank from their task id
  /// (mlops passes --rank). Throws ConfigError when python3-xgboost is missing, IoError when
  /// the tracker exits or prints nothing in time (e.g. the port is taken).
  static Tracker start(const std::string& host, int port, int world_size,
                       std::chrono::milliseconds wait = std::chrono::seconds(30));

  /// The environment workers join with: DMLC_TRACKER_URI, DMLC_TRACKER_PORT, DMLC_NUM_WORKER.
  const std::vector<std::pair<std::string, std::string>>& worker_env() const { return env_; }
  const std::string& host() const { return host_; }
  int port() const { return port_; }
  /// The tracker's process (it ends once every worker has finished; the destructor kills it
  /// otherwise).
  ChildProcess& process() { return process_; }

 private:
  Tracker(ChildProcess process) : process_(std::move(process)) {}
  ChildProcess process_;
  std::vector<std::pair<std::string, std::string>> env_;
  std::string host_;
  int port_ = 0;
};

}  // namespace mlops

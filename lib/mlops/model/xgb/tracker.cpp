#include "mlops/model/xgb/tracker.h"

#include <cstdlib>

#include "mlops/core/error.h"
#include "mlops/core/value_parse.h"
#include "mlops/io/process.h"

namespace mlops {

namespace {

// XGBoost's RabitTracker as `python3 -m xgboost.tracker` runs it, but on a chosen port (a
// Kubernetes Service needs a fixed one) and with ranks by task id (mlops's --rank). It prints
// the workers' environment between markers, then serves until every worker has finished.
constexpr const char* kTrackerScript = R"(
import logging, sys
try:
    from xgboost.tracker import RabitTracker, get_host_ip
except ImportError as error:
    print("MLOPS_NO_XGBOOST", error, flush=True)
    sys.exit(3)
logging.basicConfig(format="%(asctime)s xgboost tracker: %(message)s", level=logging.INFO)
host, port, workers = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
if host == "auto":
    host = get_host_ip()
tracker = RabitTracker(host_ip=host, n_workers=workers, port=port, use_logger=True, sortby="task")
tracker.start(workers)
print("DMLC_TRACKER_ENV_START")
print("DMLC_TRACKER_URI=%s" % host)
print("DMLC_TRACKER_PORT=%d" % tracker.port)
print("DMLC_NUM_WORKER=%d" % workers)
print("DMLC_TRACKER_ENV_END", flush=True)
tracker.join()
)";

}  // namespace

std::string tracker_python() {
  const char* chosen = std::getenv("MLOPS_PYTHON");
  return chosen && *chosen ? chosen : "/usr/bin/python3";
}

Tracker Tracker::start(const std::string& host, int port, int world_size,
                       std::chrono::milliseconds wait) {
  const std::string python = tracker_python();
  if (!find_program(python)) {
    throw ConfigError(
        "distributed training needs XGBoost's tracker: {} not found (install the Debian package "
        "python3-xgboost, or set MLOPS_PYTHON)",
        python);
  }
  Tracker tracker(ChildProcess::start(
      {python, "-c", kTrackerScript, host, std::to_string(port), std::to_string(world_size)}, {},
      true));
  const auto deadline = std::chrono::steady_clock::now() + wait;
  bool started = false;
  while (true) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    std::optional<std::string> line =
        left.count() > 0 ? tracker.process_.read_line(left) : std::nullopt;
    if (!line) break;
    if (line->starts_with("MLOPS_NO_XGBOOST")) {
      throw ConfigError(
          "distributed training needs XGBoost's tracker: {} cannot import xgboost (install the "
          "Debian package python3-xgboost, or set MLOPS_PYTHON): {}",
          python, line->substr(17));
    }
    if (*line == "DMLC_TRACKER_ENV_START") started = true;
    if (*line == "DMLC_TRACKER_ENV_END" && started) {
      for (const auto& [name, value] : tracker.env_) {
        if (name == "DMLC_TRACKER_URI") tracker.host_ = value;
        if (name == "DMLC_TRACKER_PORT") tracker.port_ = static_cast<int>(*parse_int64(value));
      }
      return tracker;
    }
    if (started) {
      const size_t equals = line->find('=');
      if (equals != std::string::npos) {
        tracker.env_.emplace_back(line->substr(0, equals), line->substr(equals + 1));
      }
    }
  }
  const std::optional<int> status = tracker.process_.poll();
  throw IoError(
      "XGBoost's tracker on {}:{} did not start{} (is the port taken, or the address "
      "not this machine's?)",
      host, port, status ? " (" + describe_exit(*status) + ")" : " in time");
}

}  // namespace mlops

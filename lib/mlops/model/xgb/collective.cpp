#include "mlops/model/xgb/collective.h"

#include <fmt/format.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "mlops/core/error.h"
#include "mlops/core/value_parse.h"
#include "mlops/model/xgb/xgb_api.h"
#include "mlops/model/xgb/xgb_error.h"

namespace mlops {

namespace {

// xgboost::collective::DataType and Operation (src/collective/communicator.h, XGBoost 1.7).
constexpr int kUInt64 = 5;
constexpr int kFloat = 6;
constexpr int kDouble = 7;
constexpr int kMax = 0;
constexpr int kMin = 1;
constexpr int kSum = 2;

/// Calls `on_timeout` unless disarmed within `seconds`.
class Watchdog {
 public:
  Watchdog(int seconds, std::function<void()> on_timeout)
      : thread_([this, seconds, on_timeout = std::move(on_timeout)] {
          std::unique_lock lock(mutex_);
          if (!done_.wait_for(lock, std::chrono::seconds(seconds), [this] { return disarmed_; })) {
            on_timeout();
          }
        }) {}
  ~Watchdog() {
    {
      std::lock_guard lock(mutex_);
      disarmed_ = true;
    }
    done_.notify_all();
    thread_.join();
  }

 private:
  std::mutex mutex_;
  std::condition_variable done_;
  bool disarmed_ = false;
  std::thread thread_;
};

}  // namespace

std::pair<std::string, int> parse_host_port(std::string_view text, std::string_view flag) {
  const size_t colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0) {
    throw ConfigError("{}: '{}' is not HOST:PORT", flag, text);
  }
  const std::string port_text(text.substr(colon + 1));
  const std::optional<int64_t> port = parse_int64(port_text);
  if (!port || *port < 1 || *port > 65535) {
    throw ConfigError("{}: '{}' is not HOST:PORT (a port is 1..65535)", flag, text);
  }
  return {std::string(text.substr(0, colon)), static_cast<int>(*port)};
}

void check_rank(int rank, int world_size) {
  if (world_size < 1) throw ConfigError("--world-size: {} is not at least 1", world_size);
  if (rank < 0 || rank >= world_size) {
    throw ConfigError("--rank: {} is not in 0..{} (--world-size {})", rank, world_size - 1,
                      world_size);
  }
}

bool is_collective_failure(std::string_view message) {
  for (std::string_view mark : {"Allreduce failed", "Broadcast failed", "Poll timeout", "rabit",
                                "Socket", "socket", "Connection reset"}) {
    if (message.find(mark) != std::string_view::npos) return true;
  }
  return false;
}

Collective::Collective(const CollectiveConfig& config,
                       const std::function<void(const std::string&)>& on_join_timeout)
    : config_(config) {
  check_rank(config.rank, config.world_size);
  const std::string where = fmt::format("{}:{}", config.tracker_host, config.tracker_port);
  // The rank travels as the task id, zero-padded: the tracker (sortby="task") orders the
  // workers by it as text.
  const nlohmann::json settings{{"xgboost_communicator", "rabit"},
                                {"rabit_tracker_uri", config.tracker_host},
                                {"rabit_tracker_port", config.tracker_port},
                                {"rabit_task_id", fmt::format("{:06d}", config.rank)},
                                {"rabit_timeout", 1},
                                {"rabit_timeout_sec", config.timeout_seconds},
                                {"DMLC_WORKER_CONNECT_RETRY", config.connect_retries}};
  int status = 0;
  {
    Watchdog watchdog(config.join_timeout_seconds, [&] {
      on_join_timeout(fmt::format(
          "distributed training: not every worker joined the tracker at {} within {} s (rank "
          "{} of {}): a worker did not start, or the tracker expects another --world-size",
          where, config.join_timeout_seconds, config.rank, config.world_size));
    });
    status = xgb().XGCommunicatorInit(settings.dump().c_str());
  }
  if (status != 0) {
    throw NetworkError(
        "distributed training: cannot reach XGBoost's tracker at {} (rank {} of "
        "{}, {} attempts): {}",
        where, config.rank, config.world_size, config.connect_retries, xgb_last_error());
  }
  rank_ = xgb().XGCommunicatorGetRank();
  world_size_ = xgb().XGCommunicatorGetWorldSize();
  if (world_size_ != config.world_size) {
    xgb().XGCommunicatorFinalize();
    throw ConfigError("--world-size: the tracker at {} runs {} workers, not {}", where, world_size_,
                      config.world_size);
  }
  if (rank_ != config.rank) {
    xgb().XGCommunicatorFinalize();
    throw ConfigError(
        "--rank: the tracker at {} gave this worker rank {}, not {} (was another "
        "worker started with --rank {}?)",
        where, rank_, config.rank, config.rank);
  }
}

Collective::~Collective() {
  xgb().XGCommunicatorFinalize();
}

void Collective::allreduce(void* data, size_t count, int type, int op, size_t width) const {
  if (count == 0) return;
  bytes_ += count * width;
  if (xgb().XGCommunicatorAllreduce(data, count, type, op) != 0) {
    throw NetworkError(
        "distributed training: a worker or the tracker is gone, or a worker was silent for {} "
        "s (rank {} of {}): {}",
        config_.timeout_seconds, rank_, world_size_, xgb_last_error());
  }
}

void Collective::sum(std::span<double> values) const {
  allreduce(values.data(), values.size(), kDouble, kSum, sizeof(double));
}

void Collective::sum(std::span<uint64_t> values) const {
  allreduce(values.data(), values.size(), kUInt64, kSum, sizeof(uint64_t));
}

std::pair<uint64_t, uint64_t> Collective::min_max(uint64_t value) const {
  uint64_t low = value, high = value;
  allreduce(&low, 1, kUInt64, kMin, sizeof low);
  allreduce(&high, 1, kUInt64, kMax, sizeof high);
  return {low, high};
}

std::vector<float> Collective::gather(std::span<const float> local) const {
  std::vector<uint64_t> counts(static_cast<size_t>(world_size_), 0);
  counts[static_cast<size_t>(rank_)] = local.size();
  sum(counts);
  size_t offset = 0, total = 0;
  for (size_t k = 0; k < counts.size(); ++k) {
    if (k < static_cast<size_t>(rank_)) offset += counts[k];
    total += counts[k];
  }
  std::vector<float> all(total, 0.0f);
  std::copy(local.begin(), local.end(), all.begin() + static_cast<std::ptrdiff_t>(offset));
  allreduce(all.data(), all.size(), kFloat, kSum, sizeof(float));
  return all;
}

}  // namespace mlops

#pragma once
// XGBoost's own collective (rabit, coordinated by XGBoost's tracker) through its C API: one
// worker of a distributed training joins the job here, and training's bookkeeping that must
// see every worker's rows (labels, predictions, counts) goes through sum() and gather().
// XGBoost itself merges the quantile sketches and gradient histograms once joined.

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace mlops {

struct CollectiveConfig {
  std::string tracker_host;  // where XGBoost's tracker listens (mlops tracker prints it)
  int tracker_port = 0;
  int rank = 0;        // this worker's rank: its task id, so the tracker gives it exactly this
  int world_size = 1;  // the workers of the job, this one included
  /// Longest wait, in seconds, for a peer's message once the job has started (rabit's
  /// rabit_timeout_sec): a worker that stopped answering fails the others after this long.
  int timeout_seconds = 600;
  /// Longest wait, in seconds, for every worker to join (XGBoost's init has no bound of its
  /// own: it waits for the last worker the tracker expects).
  int join_timeout_seconds = 600;
  /// Attempts to reach the tracker before giving up (DMLC_WORKER_CONNECT_RETRY), about one
  /// second apart.
  int connect_retries = 30;
};

/// "HOST:PORT" -> host and port; throws ConfigError naming `flag` for anything else.
std::pair<std::string, int> parse_host_port(std::string_view text, std::string_view flag);

/// Throws ConfigError unless 0 <= rank < world_size and world_size >= 1.
void check_rank(int rank, int world_size);

/// True for an XGBoost error message that says the collective failed (a peer or the tracker
/// gone, a peer silent past the timeout): the training then failed for a reason outside it.
bool is_collective_failure(std::string_view message);

/// One worker's membership of the job, from XGCommunicatorInit to XGCommunicatorFinalize.
class Collective {
 public:
  /// Joins the job: connects to the tracker and waits until every worker has joined. When they
  /// have not all joined within join_timeout_seconds, `on_join_timeout` is called (from another
  /// thread) with the message to report; it must end the process, since XGBoost's wait cannot
  /// be interrupted. Throws ConfigError for a rank outside the world, or when the tracker
  /// assigns another rank or world size than configured (two workers with one --rank, a
  /// tracker started for another --world-size), NetworkError when the tracker cannot be
  /// reached.
  Collective(const CollectiveConfig& config,
             const std::function<void(const std::string&)>& on_join_timeout);
  ~Collective();
  Collective(const Collective&) = delete;
  Collective& operator=(const Collective&) = delete;

  int rank() const { return rank_; }
  int world_size() const { return world_size_; }
  const CollectiveConfig& config() const { return config_; }

  /// In place, the element-wise sum over every worker. Throws NetworkError when a peer or the
  /// tracker is gone or silent past the timeout.
  void sum(std::span<double> values) const;
  void sum(std::span<uint64_t> values) const;
  /// The smallest and largest of one value over every worker.
  std::pair<uint64_t, uint64_t> min_max(uint64_t value) const;
  /// Every worker's `local` values concatenated in rank order, on every worker. Sums of
  /// zeros and one worker's value, so each value arrives bit for bit.
  std::vector<float> gather(std::span<const float> local) const;
  /// Bytes this worker has passed to allreduce so far (its own calls, not XGBoost's).
  uint64_t bytes_reduced() const { return bytes_; }

 private:
  void allreduce(void* data, size_t count, int type, int op, size_t width) const;
  CollectiveConfig config_;
  int rank_ = 0;
  int world_size_ = 1;
  mutable uint64_t bytes_ = 0;
};

}  // namespace mlops

#pragma once
// One Redis connection shared by many threads that each wait for one reply (the lookups of
// `mlops serve`'s request threads): the calls that arrive while a round trip is in flight are
// sent together as one pipeline by the next caller (leader/followers), so N concurrent lookups
// cost Redis one read and one write instead of N, and the process one connection. A caller
// waits for its own reply only: the thread that sends a batch returns once the batch is
// answered and hands the next batch to a waiting caller. A failed connection fails the calls
// of its batch (NetworkError, as RedisClient) and is reopened by the next batch; each batch is
// bounded by the location's connect and command timeouts.

#include <condition_variable>
#include <exception>
#include <mutex>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "mlops/store/redis/redis_client.h"

namespace mlops {

class RedisPipeliner {
 public:
  /// Connects on the first call, not here.
  explicit RedisPipeliner(RedisLocation location) : location_(std::move(location)) {}
  RedisPipeliner(const RedisPipeliner&) = delete;
  RedisPipeliner& operator=(const RedisPipeliner&) = delete;

  const RedisLocation& location() const { return location_; }

  /// Runs one command (its arguments must stay valid until it returns), pipelined with the
  /// other threads' concurrent calls. Throws NetworkError naming location().display() when
  /// the connection fails or the reply is an error.
  RedisReply command(std::span<const std::string_view> args);

  /// How many batches were sent, and how many calls they carried (for tests and the bench).
  struct Stats {
    uint64_t batches = 0;
    uint64_t calls = 0;
  };
  Stats stats() const;

 private:
  struct Call {
    std::span<const std::string_view> args;
    RedisReply reply;
    std::exception_ptr error;
    bool done = false;
    bool lead = false;
    std::condition_variable wake;
  };
  void send_batch(std::span<Call* const> batch);  // the leader, without the lock

  static constexpr size_t kMaxBatch = 256;

  const RedisLocation location_;
  mutable std::mutex mutex_;
  std::vector<Call*> pending_;
  bool leading_ = false;
  Stats stats_;
  std::optional<RedisClient> client_;  // the leader's alone
};

}  // namespace mlops

#pragma once
// The server's threads (cpp-httplib's TaskQueue): a fixed number of workers, each serving one
// connection at a time, and a bounded queue of accepted connections waiting for one. When the
// queue is full a connection goes to the rejecter, one thread that answers each of its
// requests 503 at once (rejecting() is true there) and closes it; when the rejecter's own
// bounded lane is full too, accepting waits. Memory stays bounded under any load and an
// overloaded server says so quickly instead of letting clients time out.

#include <httplib.h>

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace mlops {

class WorkQueue : public httplib::TaskQueue {
 public:
  /// `threads` workers, `capacity` waiting connections (and as many in the rejecter's lane).
  /// `on_reject` runs for each connection handed to the rejecter; `queued` (owned by the
  /// caller, who may read it after this queue is gone) follows the waiting connections.
  WorkQueue(size_t threads, size_t capacity, std::function<void()> on_reject,
            std::atomic<size_t>* queued);
  ~WorkQueue() override;

  void enqueue(std::function<void()> fn) override;
  /// Finishes what is queued, then joins every thread.
  void shutdown() override;

  /// True on the rejecter thread: the connection being served is turned away.
  static bool rejecting();

 private:
  void work();
  void reject();

  size_t capacity_;
  std::function<void()> on_reject_;
  std::atomic<size_t>* queued_;
  mutable std::mutex mutex_;
  std::condition_variable work_ready_, reject_ready_, space_;
  std::deque<std::function<void()>> queue_, rejected_;
  bool shutdown_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace mlops

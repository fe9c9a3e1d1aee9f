#include "mlops/serve/work_queue.h"

namespace mlops {

namespace {
thread_local bool t_rejecting = false;
}

WorkQueue::WorkQueue(size_t threads, size_t capacity, std::function<void()> on_reject,
                     std::atomic<size_t>* queued)
    : capacity_(capacity), on_reject_(std::move(on_reject)), queued_(queued) {
  for (size_t i = 0; i < threads; ++i) threads_.emplace_back([this] { work(); });
  threads_.emplace_back([this] { reject(); });
}

WorkQueue::~WorkQueue() {
  shutdown();
}

bool WorkQueue::rejecting() {
  return t_rejecting;
}

void WorkQueue::enqueue(std::function<void()> fn) {
  std::unique_lock lock(mutex_);
  space_.wait(
      lock, [&] { return shutdown_ || queue_.size() < capacity_ || rejected_.size() < capacity_; });
  if (queue_.size() < capacity_ || shutdown_) {
    queue_.push_back(std::move(fn));
    if (queued_) queued_->store(queue_.size(), std::memory_order_relaxed);
    lock.unlock();
    work_ready_.notify_one();
    return;
  }
  rejected_.push_back(std::move(fn));
  lock.unlock();
  if (on_reject_) on_reject_();
  reject_ready_.notify_one();
}

void WorkQueue::shutdown() {
  {
    std::lock_guard lock(mutex_);
    if (shutdown_ && threads_.empty()) return;
    shutdown_ = true;
  }
  work_ready_.notify_all();
  reject_ready_.notify_all();
  space_.notify_all();
  for (std::thread& thread : threads_) {
    if (thread.joinable()) thread.join();
  }
  std::lock_guard lock(mutex_);
  threads_.clear();
}

void WorkQueue::work() {
  while (true) {
    std::function<void()> fn;
    {
      std::unique_lock lock(mutex_);
      work_ready_.wait(lock, [&] { return shutdown_ || !queue_.empty(); });
      if (queue_.empty()) return;  // shut down and drained
      fn = std::move(queue_.front());
      queue_.pop_front();
      if (queued_) queued_->store(queue_.size(), std::memory_order_relaxed);
    }
    space_.notify_one();
    fn();
  }
}

void WorkQueue::reject() {
  t_rejecting = true;
  while (true) {
    std::function<void()> fn;
    {
      std::unique_lock lock(mutex_);
      reject_ready_.wait(lock, [&] { return shutdown_ || !rejected_.empty(); });
      if (rejected_.empty()) return;
      fn = std::move(rejected_.front());
      rejected_.pop_front();
    }
    space_.notify_one();
    fn();
  }
}

}  // namespace mlops

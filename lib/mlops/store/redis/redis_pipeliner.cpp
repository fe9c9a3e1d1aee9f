#include "mlops/store/redis/redis_pipeliner.h"

#include <hiredis/hiredis.h>

#include <algorithm>

#include "mlops/core/error.h"

namespace mlops {

RedisReply RedisPipeliner::command(std::span<const std::string_view> args) {
  Call call;
  call.args = args;
  std::unique_lock lock(mutex_);
  pending_.push_back(&call);
  if (leading_) {
    call.wake.wait(lock, [&] { return call.done || call.lead; });
  }
  if (!call.done) {
    // This thread leads: it sends what waits (its own call among it) as one pipeline.
    leading_ = true;
    while (!call.done) {
      const size_t take = std::min(pending_.size(), kMaxBatch);
      std::vector<Call*> batch(pending_.begin(), pending_.begin() + static_cast<ptrdiff_t>(take));
      pending_.erase(pending_.begin(), pending_.begin() + static_cast<ptrdiff_t>(take));
      ++stats_.batches;
      stats_.calls += batch.size();
      lock.unlock();
      send_batch(batch);
      lock.lock();
      for (Call* answered : batch) {
        answered->done = true;
        if (answered != &call) answered->wake.notify_one();
      }
    }
    // The next batch is led by its oldest caller.
    if (pending_.empty()) {
      leading_ = false;
    } else {
      pending_.front()->lead = true;
      pending_.front()->wake.notify_one();
    }
  }
  if (call.error) std::rethrow_exception(call.error);
  if (call.reply.get() && call.reply->type == REDIS_REPLY_ERROR) {
    throw NetworkError("online store {}: {} failed: {}", location_.display(),
                       args.empty() ? std::string_view() : args.front(),
                       std::string_view(call.reply->str, call.reply->len));
  }
  return std::move(call.reply);
}

void RedisPipeliner::send_batch(std::span<Call* const> batch) {
  size_t answered = 0;
  try {
    if (!client_) client_.emplace(location_);
    for (Call* call : batch) client_->send(call->args);
    for (; answered < batch.size(); ++answered) batch[answered]->reply = client_->receive();
  } catch (...) {
    // The connection failed (NetworkError; RedisClient closed it): the calls not answered fail
    // with it, and the next batch connects again.
    client_.reset();
    const std::exception_ptr error = std::current_exception();
    for (size_t i = answered; i < batch.size(); ++i) batch[i]->error = error;
  }
}

RedisPipeliner::Stats RedisPipeliner::stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

}  // namespace mlops

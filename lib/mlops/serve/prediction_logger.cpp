#include "mlops/serve/prediction_logger.h"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <ctime>
#include <filesystem>
#include <memory>
#include <random>

#include "mlops/core/error.h"
#include "mlops/core/log.h"
#include "mlops/store/open_stores.h"

namespace mlops {

namespace {

/// 16 hex digits, different for every logger (of this and any other process).
std::string random_tag() {
  std::random_device device;
  const uint64_t high = device(), low = device();
  return fmt::format("{:016x}", (high << 32) ^ low ^ static_cast<uint64_t>(::time(nullptr)));
}

const std::string& checked_dir(const PredictionLoggerOptions& options) {
  if (options.journal_dir.empty()) {
    throw ConfigError("serve.log.journal_dir: the prediction log needs a journal directory");
  }
  return options.journal_dir;
}

}  // namespace

PredictionLoggerOptions prediction_logger_options(const Settings& settings) {
  PredictionLoggerOptions options;
  const ServeLogSettings& log = settings.serve_log;
  options.queue_capacity = static_cast<size_t>(log.queue_capacity);
  options.batch_size = static_cast<size_t>(log.batch_size);
  options.flush_interval = std::chrono::milliseconds(
      std::max<int64_t>(1, static_cast<int64_t>(log.flush_interval * 1000 + 0.5)));
  options.journal_dir = log.journal_dir;
  return options;
}

PredictionLogger::PredictionLogger(OpenStore open_store, PredictionLoggerOptions options)
    : open_store_(std::move(open_store)),
      options_(std::move(options)),
      journal_(checked_dir(options_), options_.segment_bytes),
      tag_(random_tag()) {
  if (const uint64_t left = journal_.records()) {
    log_info("serve log: journaled predictions of an earlier run will be replayed",
             {{"records", left}, {"journal", journal_.dir()}});
  }
  writer_ = std::thread([this] { run(); });
}

PredictionLogger::~PredictionLogger() {
  close(std::chrono::seconds(5));
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  writer_.join();
}

void PredictionLogger::log(ServedPrediction prediction) {
  ServedLogEntry entry{fmt::format("{}-{}", tag_, sequence_.fetch_add(1)), std::move(prediction)};
  accepted_.fetch_add(1, std::memory_order_relaxed);
  {
    std::lock_guard lock(mutex_);
    if (!closed_ && queue_.size() + in_flight_.size() < options_.queue_capacity) {
      queue_.push_back(std::move(entry));
      if (queue_.size() == options_.batch_size) wake_.notify_one();
      return;
    }
  }
  // The queue is full (the store is slower than the requests) or closed: the journal takes
  // it, at the cost of one write(2); the writer replays it once the store keeps up.
  try {
    journal_.append(std::span<const ServedLogEntry>(&entry, 1));
  } catch (const Error& error) {
    log_error("serve log: the journal cannot be written either; holding the prediction in memory",
              {{"error", std::string(error.what())}});
    std::lock_guard lock(mutex_);
    queue_.push_back(std::move(entry));
  }
}

PredictionSinkStats PredictionLogger::stats() const {
  PredictionSinkStats stats;
  stats.accepted = accepted_.load();
  stats.stored = stored_.load();
  {
    std::lock_guard lock(mutex_);
    stats.queued =
        queue_.size() + (in_flight_journaled_ ? 0 : in_flight_.size()) + unjournaled_count_;
  }
  stats.journaled = journal_.records();
  stats.journal_bytes = journal_.bytes();
  stats.store_reachable = reachable_.load();
  return stats;
}

void PredictionLogger::close(std::chrono::milliseconds bound) {
  const auto deadline = Clock::now() + bound;
  std::vector<ServedLogEntry> left;
  {
    std::unique_lock lock(mutex_);
    if (closed_) return;
    closed_ = true;
    wake_.notify_all();
    drained_.wait_until(lock, deadline, [&] { return queue_.empty() && in_flight_.empty(); });
    // What the writer could not finish in time goes to the journal from here; a batch the
    // writer is still writing is journaled too (its log_ids keep it stored once).
    left.assign(std::make_move_iterator(queue_.begin()), std::make_move_iterator(queue_.end()));
    queue_.clear();
    if (!in_flight_.empty() && !in_flight_journaled_) {
      left.insert(left.end(), in_flight_.begin(), in_flight_.end());
      in_flight_journaled_ = true;
    }
    stopping_ = true;
  }
  wake_.notify_all();
  if (left.empty()) return;
  try {
    journal_.append(left);
  } catch (const Error& error) {
    log_error(
        "serve log: predictions could not be stored nor journaled at close",
        {{"records", static_cast<uint64_t>(left.size())}, {"error", std::string(error.what())}});
  }
}

void PredictionLogger::run() {
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      in_flight_.clear();
      in_flight_journaled_ = false;
      drained_.notify_all();
      const auto wake_at = Clock::now() + options_.flush_interval;
      wake_.wait_until(lock, wake_at, [&] {
        return stopping_ || queue_.size() >= options_.batch_size || (closed_ && !queue_.empty());
      });
      if (stopping_ && queue_.empty()) break;
      const size_t take = std::min(queue_.size(), options_.batch_size);
      in_flight_.assign(std::make_move_iterator(queue_.begin()),
                        std::make_move_iterator(queue_.begin() + static_cast<ptrdiff_t>(take)));
      queue_.erase(queue_.begin(), queue_.begin() + static_cast<ptrdiff_t>(take));
    }
    if (!unjournaled_.empty()) retry_unjournaled();
    if (!in_flight_.empty()) {
      write_batch();
    } else {
      bool closing = false;
      {
        std::lock_guard lock(mutex_);
        closing = closed_;
      }
      if (!closing) replay_journal();
    }
  }
  if (!unjournaled_.empty()) retry_unjournaled();
  if (!unjournaled_.empty()) {
    log_error("serve log: predictions could not be stored nor journaled before exit",
              {{"records", static_cast<uint64_t>(unjournaled_.size())}});
  }
}

bool PredictionLogger::store_ready() {
  if (store_) return true;
  if (Clock::now() < next_try_) return false;
  try {
    store_ = open_store_();
    return true;
  } catch (const Error& error) {
    store_failed(error);
    return false;
  }
}

void PredictionLogger::store_succeeded() {
  if (!reachable_.exchange(true)) {
    // Called after the first write that succeeded, which may be a journal segment's replay:
    // what is left to replay, not what was journaled.
    log_info("serve log: the evaluation store takes predictions again",
             {{"journaled_left", journal_.records()}});
  }
  backoff_ = std::chrono::milliseconds(0);
}

void PredictionLogger::store_failed(const Error& error) {
  store_.reset();  // reopened on the next try: the file may have moved, a connection dropped
  backoff_ =
      backoff_.count() == 0 ? options_.retry_min : std::min(backoff_ * 2, options_.retry_max);
  next_try_ = Clock::now() + backoff_;
  if (reachable_.exchange(false)) {
    log_warn("serve log: the evaluation store cannot take predictions; journaling them",
             {{"error", std::string(error.what())}, {"journal", journal_.dir()}});
  }
}

size_t PredictionLogger::store_entries(std::span<const ServedLogEntry> entries) {
  size_t added = 0;
  for (size_t at = 0; at < entries.size(); at += options_.replay_batch) {
    added += store_->log_served_predictions(
        entries.subspan(at, std::min(options_.replay_batch, entries.size() - at)));
  }
  return added;
}

void PredictionLogger::write_batch() {
  if (store_ready()) {
    try {
      stored_.fetch_add(store_->log_served_predictions(in_flight_));
      store_succeeded();
      return;
    } catch (const Error& error) {
      store_failed(error);
    }
  }
  {
    std::lock_guard lock(mutex_);
    if (in_flight_journaled_) return;  // close() journaled it meanwhile
    in_flight_journaled_ = true;
  }
  journal(in_flight_);
}

void PredictionLogger::journal(const std::vector<ServedLogEntry>& batch) {
  try {
    journal_.append(batch);
    if (journal_failing_) {
      journal_failing_ = false;
      log_info("serve log: the journal takes predictions again", {{"journal", journal_.dir()}});
    }
  } catch (const Error& error) {
    if (!journal_failing_) {
      journal_failing_ = true;
      log_error("serve log: the journal cannot be written; holding predictions in memory",
                {{"error", std::string(error.what())}});
    }
    std::lock_guard lock(mutex_);
    unjournaled_.insert(unjournaled_.end(), batch.begin(), batch.end());
    unjournaled_count_ = unjournaled_.size();
  }
}

void PredictionLogger::retry_unjournaled() {
  std::vector<ServedLogEntry> batch;
  {
    std::lock_guard lock(mutex_);
    batch.swap(unjournaled_);
    unjournaled_count_ = 0;
  }
  if (store_ready()) {
    try {
      stored_.fetch_add(store_entries(batch));
      store_succeeded();
      return;
    } catch (const Error& error) {
      store_failed(error);
    }
  }
  journal(batch);
}

void PredictionLogger::replay_journal() {
  if (journal_.records() == 0 || !store_ready()) return;
  if (journal_.open_segment_has_records()) journal_.seal();
  for (const std::string& segment : journal_.closed_segments()) {
    try {
      const std::optional<size_t> stored = journal_.replay(
          segment,
          [this](std::span<const ServedLogEntry> entries) { return store_entries(entries); });
      if (!stored) continue;  // another live process holds it
      stored_.fetch_add(*stored);
      store_succeeded();
      log_info("serve log: journal segment replayed", {{"file", segment},
                                                       {"stored", static_cast<uint64_t>(*stored)},
                                                       {"journaled_left", journal_.records()}});
      return;  // one segment at a time: queued predictions go first
    } catch (const Error& error) {
      store_failed(error);
      return;
    }
  }
}

std::unique_ptr<PredictionSink> open_prediction_logger(const Settings& settings,
                                                       PredictionLoggerOptions options) {
  if (options.journal_dir.empty()) options.journal_dir = settings.serve_log.journal_dir;
  const std::chrono::milliseconds wait = options.store_wait;
  // A SQLite store file that was there and is gone (removed, or moved away for a copy or a
  // restore) is waited for, the predictions journaled: reopening the path would create a new,
  // empty database that the file put back later replaces, and the predictions stored in it
  // meanwhile would be lost. A store that never existed yet is created as usual.
  auto seen = std::make_shared<std::atomic<bool>>(false);
  return std::make_unique<PredictionLogger>(
      [settings, wait, seen] {
        const StoreLocation location = store_location(settings);
        if (location.backend == StoreBackend::kSqlite && seen->load()) {
          std::error_code error;
          if (!std::filesystem::exists(location.path, error)) {
            throw IoError(
                "{}: the evaluation store's file is missing; served predictions are "
                "journaled until it is back",
                location.path);
          }
        }
        auto store = open_evaluation_store(settings, wait);
        seen->store(true);
        return store;
      },
      std::move(options));
}

}  // namespace mlops

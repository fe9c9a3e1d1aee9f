#pragma once
// The prediction log of `mlops serve`: a PredictionSink that writes served predictions to the
// evaluation store from its own thread, in batches, and never makes a request wait.
//
//   log() --(queue not full)--> bounded queue --writer thread, batches--> evaluation store
//     |                                          |  store unreachable or locked
//     +--(queue full)--> journal <---------------+
//                          |  store reachable again (also after a restart)
//                          +-- replay, segment by segment, oldest first --> evaluation store
//
// Every record gets a log_id when it is logged (a random tag of this logger and a sequence
// number); the store keeps a log_id once, so a batch written twice (a replay repeated after a
// crash between the store's commit and the segment's removal, or a batch close() journaled
// while the writer was still writing it) is stored once. Nothing accepted is lost: it is in the
// store, in the journal, or (only while the journal's disk refuses writes too) in memory.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "mlops/config/workflow.h"
#include "mlops/core/error.h"
#include "mlops/serve/prediction_journal.h"
#include "mlops/serve/prediction_sink.h"
#include "mlops/store/evaluation_store.h"

namespace mlops {

struct PredictionLoggerOptions {
  size_t queue_capacity = 65536;  // records in memory; when full, log() journals the record
  size_t batch_size = 512;        // records per store transaction
  std::chrono::milliseconds flush_interval{200};  // a partial batch waits at most this long
  std::string journal_dir;                        // "" : settings.serve_log.journal_dir
  std::chrono::milliseconds store_wait{250};      // a store write meeting a lock fails after
  std::chrono::milliseconds retry_min{100};       // first pause before trying the store again
  std::chrono::milliseconds retry_max{5000};      // longest pause (doubling from retry_min)
  size_t replay_batch = 4096;                     // journal records per store transaction
  uint64_t segment_bytes = 16u << 20;             // a journal segment is closed past this size
};

/// The options the settings give (serve.log.*); the rest keep their defaults.
PredictionLoggerOptions prediction_logger_options(const Settings& settings);

class PredictionLogger final : public PredictionSink {
 public:
  /// Opens the evaluation store, or throws when it cannot be opened now (the logger retries).
  using OpenStore = std::function<std::unique_ptr<EvaluationStore>()>;

  /// Starts the writer thread. The store is opened by the writer (so a store that is missing,
  /// locked or unreachable does not stop the start), and leftover journal segments (of an
  /// earlier process) are replayed once it can be written. Throws ConfigError only when
  /// options.journal_dir is empty.
  PredictionLogger(OpenStore open_store, PredictionLoggerOptions options);
  /// close() with a 5 s bound unless it ran, then waits for the writer thread.
  ~PredictionLogger() override;

  void log(ServedPrediction prediction) override;
  PredictionSinkStats stats() const override;
  void close(std::chrono::milliseconds bound) override;

 private:
  using Clock = std::chrono::steady_clock;
  // The writer thread's steps.
  void run();
  void write_batch();  // in_flight_ to the store, else the journal
  bool store_ready();  // the store is open, or opens now that a retry is due
  void store_succeeded();
  void store_failed(const Error& error);
  void journal(const std::vector<ServedLogEntry>& batch);  // else held in unjournaled_
  void retry_unjournaled();
  void replay_journal();  // one closed segment, when the store takes writes
  size_t store_entries(std::span<const ServedLogEntry> entries);

  OpenStore open_store_;
  const PredictionLoggerOptions options_;
  PredictionJournal journal_;
  const std::string tag_;  // this logger's part of every log_id

  mutable std::mutex mutex_;
  std::condition_variable wake_;     // the writer: a full batch, closing, stopping
  std::condition_variable drained_;  // close(): the writer emptied the queue
  std::deque<ServedLogEntry> queue_;
  std::vector<ServedLogEntry> in_flight_;  // the batch the writer is writing
  bool in_flight_journaled_ = false;       // close() journaled a copy of it
  bool closed_ = false;                    // log() journals from now on
  bool stopping_ = false;                  // the writer exits once the queue is empty
  size_t unjournaled_count_ = 0;           // unjournaled_.size(), for stats()

  std::atomic<uint64_t> sequence_{0};
  std::atomic<uint64_t> accepted_{0};
  std::atomic<uint64_t> stored_{0};
  std::atomic<bool> reachable_{true};

  // The writer thread's own state.
  std::unique_ptr<EvaluationStore> store_;
  Clock::time_point next_try_{};
  std::chrono::milliseconds backoff_{0};
  bool journal_failing_ = false;
  std::vector<ServedLogEntry> unjournaled_;  // neither the store nor the journal took them

  std::thread writer_;
};

/// The prediction log of `mlops serve`: a PredictionLogger over the evaluation store the
/// settings name (opened, and reopened after a failure, by the writer thread with
/// options.store_wait as its lock wait), its journal in options.journal_dir or else
/// settings.serve_log.journal_dir. Never fails because the store is missing or locked.
std::unique_ptr<PredictionSink> open_prediction_logger(const Settings& settings,
                                                       PredictionLoggerOptions options);

}  // namespace mlops

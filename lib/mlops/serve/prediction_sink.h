#pragma once
// Where `mlops serve` hands every answered prediction for the evaluation store. The server
// calls log() on its request threads, so log() never blocks on the store: an implementation
// queues (bounded), writes batches from its own thread, and spills to an on-disk journal while
// the store is unreachable or the queue is full, replaying the journal later; none is lost.
// serve/prediction_logger.h is the implementation over an EvaluationStore.

#include <chrono>
#include <cstdint>

#include "mlops/store/served_prediction.h"  // ServedPrediction (kept in store/, which stores it)

namespace mlops {

/// What the sink has done so far, for /metrics and /readyz.
struct PredictionSinkStats {
  uint64_t accepted = 0;        // log() calls
  uint64_t stored = 0;          // written to the evaluation store (directly or replayed)
  uint64_t queued = 0;          // waiting in memory now
  uint64_t journaled = 0;       // waiting in the on-disk journal now
  uint64_t journal_bytes = 0;   // size of the journal now
  bool store_reachable = true;  // the last write attempt succeeded
};

class PredictionSink {
 public:
  virtual ~PredictionSink() = default;
  /// Hands one prediction over; returns at once (never waits for the store).
  virtual void log(ServedPrediction prediction) = 0;
  virtual PredictionSinkStats stats() const = 0;
  /// Stops accepting, writes what is queued (to the store, else the journal) within `bound`,
  /// and returns; after it, nothing accepted is only in memory.
  virtual void close(std::chrono::milliseconds bound) = 0;
};

}  // namespace mlops

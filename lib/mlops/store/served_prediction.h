#pragma once
// One prediction as `mlops serve` answered it: what serve/prediction_sink.h hands over and the
// evaluation store keeps. It lives in store/ so the store needs nothing from serve/.

#include <cstdint>
#include <string>
#include <vector>

namespace mlops {

/// One prediction as served, the way the evaluation store keeps it.
struct ServedPrediction {
  std::string model;                 // the model name batch-predict logs under (the workflow's)
  std::string request_id;            // the response's request_id (several rows share one)
  std::string row_key;               // row_key() of the id/entity key columns, as batch logs it
  std::string model_version;         // the version that answered ("" for source "default")
  std::string source;                // "model", "batch", "baseline" or "default"
  std::string prediction;            // class name or value, as batch-predict writes it
  double score = 0;                  // P(positive class) (binary) or the value (regression)
  std::vector<float> probabilities;  // multiclass: one per class, in class order
  uint64_t features_hash = 0;        // XXH3 of the features as scored (0: none)
  int64_t served_at_us = 0;          // microseconds since the epoch
  double latency_ms = 0;             // request received -> prediction computed
};

}  // namespace mlops

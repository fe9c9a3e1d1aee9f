#pragma once
// A contract checked over a stream of batches: each batch is checked as it passes, and the
// per-batch reports are folded into one report for the whole stream (counts summed, example
// rows numbered from the start of the stream), so no stage has to hold its whole output.

#include <optional>
#include <string>

#include "mlops/contracts/check.h"

namespace mlops {

/// True when every check of `contract` folds exactly over batches: column facts (presence,
/// type) and counts of violating rows. Uniqueness, null fractions, means and deviations,
/// primary keys, expressions, freshness, drift, an exact row or column count and the
/// quarantine policy need the whole table.
bool checks_per_batch(const Contract& contract);

class StreamingContract {
 public:
  explicit StreamingContract(std::string stage) : stage_(std::move(stage)) {}
  /// Checks one batch; batches must come with the same contract in stream order.
  void add(const Contract& contract, const Table& batch);
  /// The folded report.
  ContractReport report(const std::string& contract_name) const;

 private:
  std::string stage_;
  ContractReport folded_;
  size_t rows_ = 0;
  bool started_ = false;
  std::optional<size_t> min_rows_, max_rows_;
  Severity rows_severity_ = Severity::kError;
};

}  // namespace mlops

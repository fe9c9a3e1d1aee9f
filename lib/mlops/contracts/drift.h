#pragma once
// Drift of data against a reference profile (the training data's, train/profile.json),
// computed over a stream of batches so batch-predict can check what it scores without holding
// it: per column, counts in the reference's bins and below its ECDF points, nulls and moments
// are summed as batches pass, then compared with the reference.
//
//   psi:  population stability index over the reference bins (deciles for numbers, top
//         categories for strings): sum of (cur - ref) * ln(cur / ref), shares floored at 1e-4.
//         Below 0.1 is usually read as stable, above 0.25 as a shift.
//   ks:   the largest gap between the reference ECDF and the current one at the reference's
//         ECDF points (exact for up to 101 distinct values). Numeric columns only.
//   null_rate_change, mean_shift (in reference standard deviations), std_ratio (either way).

#include <map>
#include <string>
#include <vector>

#include "mlops/contracts/check.h"

namespace mlops {

/// Drift statistics of a stream of batches against one reference profile.
class DriftAccumulator {
 public:
  DriftAccumulator(DriftRule rule, DriftReference reference);
  /// Adds a batch. The columns compared are fixed by the first batch: `rule.columns`, or every
  /// profiled column the batch has except timestamps (time always moves on).
  void add(const Table& batch);
  /// One check per column and statistic ("drift_psi", "drift_ks", "null_rate_change",
  /// "mean_shift", "std_ratio"), and a failed "drift" check for a column missing from the data
  /// or the profile. Fewer rows than `rule.min_rows`: one passed "drift_min_rows" check saying
  /// so instead (too few rows to tell drift from sampling noise).
  std::vector<CheckResult> checks() const;
  /// True when fewer rows than `rule.min_rows` were added.
  bool insufficient_data() const { return rows_ < rule_.min_rows; }
  size_t rows() const { return rows_; }
  size_t min_rows() const { return rule_.min_rows; }

  /// Per compared column, whatever the rule's thresholds: PSI and null rates (for a report).
  struct ColumnDrift {
    std::string column;
    bool compared = false;  // false: missing from the data or the reference
    double psi = 0;
    double null_rate = 0, reference_null_rate = 0;
  };
  std::vector<ColumnDrift> summary() const;

 private:
  struct ColumnState {
    std::string name;
    const ColumnDriftReference* profile = nullptr;  // null: not profiled
    bool present = true;                            // false: missing from the data
    size_t rows = 0, nulls = 0;
    std::vector<size_t> bins;         // per reference bin (numeric)
    std::vector<size_t> at_or_below;  // per ECDF point: values in (previous point, point]
    std::map<std::string, size_t> categories;
    double shifted_sum = 0, shifted_squares = 0;  // of x - reference mean, for stability
  };
  void add_column(ColumnState& state, const Column& column) const;
  static double psi_of(const ColumnState& state);

  DriftRule rule_;
  DriftReference reference_;
  std::vector<ColumnState> columns_;
  bool started_ = false;
  size_t rows_ = 0;  // rows of every batch added
};

}  // namespace mlops

#pragma once
// Point-in-time entity aggregates, the core of a feature store: for each row, count / sum /
// mean / min / max of a column over the rows with the same key whose timestamp falls in the
// trailing window [t - window, t), strictly before the row's own time t. A row never sees
// itself, a row at the same instant, or any later row, so no future information leaks in.
//
//   {type: window_aggregate, key: origin, time: date, column: delay, window: 7d,
//    functions: [count, mean], name: origin_delay_7d}
//
// adds origin_delay_7d_count (int64) and origin_delay_7d_mean (float64).

#include <cstdint>

#include "mlops/features/transform.h"

namespace mlops {

/// Outputs "<name>_<function>" for each function (count, sum, mean, min, max); the default name
/// is "<keys>_<column>_<window>". Nulls in the aggregated column are skipped; count and sum of
/// no rows are 0, mean / min / max of no rows are null; a row with a null key or time gets null
/// outputs. fit() keeps the last window of rows (`history: true`, the default) so that scoring
/// later data sees the training period's tail; those rows are used only for input rows after
/// them (earlier than the input's first timestamp), never twice.
class WindowAggregateTransform : public Transform {
 public:
  explicit WindowAggregateTransform(const ConfigNode& spec);
  void fit(const Table& table, const FitContext& context) override;
  void apply(Table& table) const override;
  bool row_independent() const override { return false; }
  nlohmann::json state() const override;
  void load_state(const nlohmann::json& state) override;

 private:
  struct PastRow {
    std::string key;
    int64_t time;
    double value;  // NaN = null
  };

  std::vector<std::string> keys_;
  std::string time_;
  std::string column_;
  int64_t window_ = 0;  // microseconds
  std::vector<std::string> functions_;
  std::string name_;
  bool history_ = true;
  std::vector<PastRow> tail_;  // the fitted table's last window of rows
};

}  // namespace mlops

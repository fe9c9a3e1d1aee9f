#pragma once
// Transforms over numeric columns, each in place: log1p (stateless), clip and bucketize (fixed
// or fitted bounds).

#include <map>
#include <optional>

#include "mlops/features/transform.h"

namespace mlops {

// Each takes `column` or `columns` and replaces them in place; with one column, `name: out`
// writes the result to `out` and keeps the input.

/// log1p(x) in place, as float64; x <= -1 becomes null (log1p is undefined there).
class Log1pTransform : public Transform {
 public:
  explicit Log1pTransform(const ConfigNode& spec);
  void apply(Table& table) const override;

 private:
  std::vector<std::string> columns_;
  std::string output_;
};

/// Limits values to [min, max]: fixed bounds (`min`, `max`, either may be left out) or bounds
/// learned as training quantiles (`quantiles: [0.01, 0.99]`). int64 columns with whole bounds
/// stay int64; nulls stay null.
class ClipTransform : public Transform {
 public:
  explicit ClipTransform(const ConfigNode& spec);
  void fit(const Table& table, const FitContext& context) override;
  void apply(Table& table) const override;
  nlohmann::json state() const override;
  void load_state(const nlohmann::json& state) override;

 private:
  using Bounds = std::pair<std::optional<double>, std::optional<double>>;
  std::vector<std::string> columns_;
  std::string output_;
  Bounds fixed_;
  std::optional<std::pair<double, double>> quantiles_;
  std::map<std::string, Bounds> bounds_;
};

/// Replaces values by the index of their bucket (int64): with bounds b0 < b1 < ... < bn, x < b0
/// is 0, b0 <= x < b1 is 1, ..., x >= bn is n+1. Bounds are fixed (`bounds: [...]`) or learned
/// as training quantiles (`bins: 4` gives quartiles). Null stays null.
class BucketizeTransform : public Transform {
 public:
  explicit BucketizeTransform(const ConfigNode& spec);
  void fit(const Table& table, const FitContext& context) override;
  void apply(Table& table) const override;
  nlohmann::json state() const override;
  void load_state(const nlohmann::json& state) override;

 private:
  std::vector<std::string> columns_;
  std::string output_;
  std::vector<double> fixed_;
  size_t bins_ = 0;  // 0 = fixed bounds
  std::map<std::string, std::vector<double>> bounds_;
};

}  // namespace mlops

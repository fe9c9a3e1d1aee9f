#pragma once
// Scalers fitted on training rows: standard ((x - mean) / std) and min-max ((x - min) /
// (max - min)). Output float64 in place (or to `name` with one column); nulls stay null.

#include <map>

#include "mlops/features/transform.h"

namespace mlops {

/// (x - mean) / std with the training mean and population std; a constant column gives 0.
class StandardScaleTransform : public Transform {
 public:
  explicit StandardScaleTransform(const ConfigNode& spec);
  void fit(const Table& table, const FitContext& context) override;
  void apply(Table& table) const override;
  nlohmann::json state() const override;
  void load_state(const nlohmann::json& state) override;

 private:
  std::vector<std::string> columns_;
  std::string output_;
  std::map<std::string, std::pair<double, double>> mean_std_;
};

/// (x - min) / (max - min) with the training min and max, so training values land in [0, 1]
/// (scoring values outside the training range land outside it; clip first to bound them). A
/// constant column gives 0.
class MinMaxScaleTransform : public Transform {
 public:
  explicit MinMaxScaleTransform(const ConfigNode& spec);
  void fit(const Table& table, const FitContext& context) override;
  void apply(Table& table) const override;
  nlohmann::json state() const override;
  void load_state(const nlohmann::json& state) override;

 private:
  std::vector<std::string> columns_;
  std::string output_;
  std::map<std::string, std::pair<double, double>> min_max_;
};

}  // namespace mlops

#pragma once
// Transforms over numeric columns: log1p (stateless), fill_null and standard_scale (fitted).

#include <map>

#include "mlops/features/transform.h"

namespace mlops {

/// log1p(x) in place, as float64; x <= -1 becomes null (log1p is undefined there).
class Log1pTransform : public Transform {
 public:
  explicit Log1pTransform(const ConfigNode& spec);
  void apply(Table& table) const override;

 private:
  std::vector<std::string> columns_;
};

/// Replaces nulls with a constant or the training mean / median.
class FillNullTransform : public Transform {
 public:
  explicit FillNullTransform(const ConfigNode& spec);
  void fit(const Table& training) override;
  void apply(Table& table) const override;
  nlohmann::json state() const override;
  void load_state(const nlohmann::json& state) override;

 private:
  std::vector<std::string> columns_;
  std::string strategy_;  // constant | mean | median
  double constant_ = 0;
  std::map<std::string, double> fill_;
};

/// (x - mean) / std with mean and std learned from training rows.
class StandardScaleTransform : public Transform {
 public:
  explicit StandardScaleTransform(const ConfigNode& spec);
  void fit(const Table& training) override;
  void apply(Table& table) const override;
  nlohmann::json state() const override;
  void load_state(const nlohmann::json& state) override;

 private:
  std::vector<std::string> columns_;
  std::map<std::string, std::pair<double, double>> mean_std_;
};

}  // namespace mlops

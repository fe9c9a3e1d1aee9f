#pragma once
// Transforms that turn categories into numbers, learning the categories from training rows.

#include <map>

#include "mlops/features/categories.h"
#include "mlops/features/transform.h"

namespace mlops {

/// Replaces each column by integer codes: the k most frequent training values get 0..k-1 (by
/// descending frequency, ties by value), every other value gets k ("other"), null stays null.
/// Without `k`, every training value gets its own code. A value never seen in training is
/// handled as `unseen` says: other (code k, the default), null, or error.
/// Also registered as `top_k_codes`. With one column, `name: out` writes the codes to `out`.
class CategoryCodesTransform : public Transform {
 public:
  explicit CategoryCodesTransform(const ConfigNode& spec);
  void fit(const Table& table, const FitContext& context) override;
  void apply(Table& table) const override;
  nlohmann::json state() const override;
  void load_state(const nlohmann::json& state) override;

 private:
  void build_lookup();
  /// The codes of one input column, as the output column.
  Column coded(const Table& table, const std::string& name) const;

  std::vector<std::string> columns_;
  std::string output_;
  size_t k_ = 0;  // 0 = no limit
  std::string unseen_ = "other";
  std::map<std::string, std::map<std::string, int64_t>> codes_;
  std::map<std::string, StringMap<int64_t>> lookup_;
  // Every training value, also those beyond k: with unseen null/error they still are "other".
  std::map<std::string, StringMap<bool>> seen_;
};

/// Replaces each column by one 0/1 column per training value, named "<column>=<value>". A null
/// sets none of them; an unseen value sets none (`unseen: null`, the default) or throws
/// (`unseen: error`).
class OneHotTransform : public Transform {
 public:
  explicit OneHotTransform(const ConfigNode& spec);
  void fit(const Table& table, const FitContext& context) override;
  void apply(Table& table) const override;
  nlohmann::json state() const override;
  void load_state(const nlohmann::json& state) override;

 private:
  std::vector<std::string> columns_;
  std::string unseen_ = "null";
  std::map<std::string, std::vector<std::string>> categories_;
};

/// Replaces each column by the fraction of training rows holding its value (float64). Null
/// stays null; an unseen value gets 0 (`unseen: zero`, the default), null, or throws (error).
/// With one column, `name: out` writes to `out`.
class FrequencyEncodeTransform : public Transform {
 public:
  explicit FrequencyEncodeTransform(const ConfigNode& spec);
  void fit(const Table& table, const FitContext& context) override;
  void apply(Table& table) const override;
  nlohmann::json state() const override;
  void load_state(const nlohmann::json& state) override;

 private:
  std::vector<std::string> columns_;
  std::string output_;
  std::string unseen_ = "zero";
  std::map<std::string, StringMap<double>> frequencies_;
};

}  // namespace mlops

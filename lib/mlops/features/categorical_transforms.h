#pragma once
// Transforms that turn categories into numbers, learning the categories from training rows.

#include <map>

#include "mlops/features/transform.h"

namespace mlops {

/// Replaces each column by integer codes: the k most frequent training values get 0..k-1 (by
/// descending frequency, ties by value), every other or unseen value gets k ("other"), null
/// stays null. Without `k`, every training value gets its own code.
class CategoryCodesTransform : public Transform {
 public:
  explicit CategoryCodesTransform(const ConfigNode& spec);
  void fit(const Table& training) override;
  void apply(Table& table) const override;
  nlohmann::json state() const override;
  void load_state(const nlohmann::json& state) override;

 private:
  std::vector<std::string> columns_;
  size_t k_ = 0;  // 0 = no limit
  std::map<std::string, std::map<std::string, int64_t>> codes_;
};

/// Replaces each column by one 0/1 column per training value, named "<column>=<value>"; an
/// unseen value or null sets none of them.
class OneHotTransform : public Transform {
 public:
  explicit OneHotTransform(const ConfigNode& spec);
  void fit(const Table& training) override;
  void apply(Table& table) const override;
  nlohmann::json state() const override;
  void load_state(const nlohmann::json& state) override;

 private:
  std::vector<std::string> columns_;
  std::map<std::string, std::vector<std::string>> categories_;
};

/// The text key a value of any type is categorized by.
std::string category_key(const Column& column, size_t row);

}  // namespace mlops

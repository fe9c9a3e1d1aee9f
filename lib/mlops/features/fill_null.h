#pragma once
// fill_null: replaces nulls by a value learned from training rows or declared.

#include <map>

#include "mlops/features/transform.h"

namespace mlops {

/// Replaces nulls with the training mean or median (numeric columns, result float64), the
/// training mode (most frequent value, ties by text; any type, keeps the type) or a declared
/// constant (`value`, read as the column's type: `value: missing` for a string column, `0`
/// keeps an int64 column int64). Throws DataError when the constant does not fit the column.
/// With one column, `name: out` writes the filled column to `out` and keeps the input.
class FillNullTransform : public Transform {
 public:
  explicit FillNullTransform(const ConfigNode& spec);
  void fit(const Table& table, const FitContext& context) override;
  void apply(Table& table) const override;
  nlohmann::json state() const override;
  void load_state(const nlohmann::json& state) override;

 private:
  std::vector<std::string> columns_;
  std::string output_;
  std::string strategy_;                        // constant | mean | median | mode
  std::string constant_;                        // the declared value as written
  std::map<std::string, nlohmann::json> fill_;  // number, string or bool per column
};

}  // namespace mlops

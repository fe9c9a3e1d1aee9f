#pragma once
// One declared feature transform. fit() learns from training rows only; apply() reuses what was
// learned, unchanged, at training and at scoring time (the state is saved next to the model).

#include <memory>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <vector>

#include "mlops/config/node.h"
#include "mlops/core/table.h"

namespace mlops {

/// What fit() may learn from besides the table's columns.
struct FitContext {
  std::span<const size_t> rows;      // the training rows of the table, ascending
  std::span<const float> label;      // encoded label of every table row; NaN = none
  bool categorical = false;          // classification: label values are class indices
  std::vector<std::string> classes;  // class names by index (classification)
};

/// The interface every transform implements (lib/mlops/features/transform.cpp lists them).
class Transform {
 public:
  virtual ~Transform() = default;
  /// Learns state from the context's training rows of `table` (every row of it is the input
  /// the previous transform produced). Stateless transforms do nothing.
  virtual void fit(const Table& table, const FitContext& context) {
    (void)table;
    (void)context;
  }
  /// Transforms the table in place using the fitted state. Throws DataError naming the column
  /// when an input column is missing or has a type the transform cannot use, or when a value
  /// is unseen and the transform was declared with `unseen: error`.
  virtual void apply(Table& table) const = 0;
  /// apply() for the table fit() just saw. Target encoding overrides it so that training rows
  /// get out-of-fold values and never see their own label.
  virtual void apply_fitted(Table& table, const FitContext& context) const {
    (void)context;
    apply(table);
  }
  /// False when a row's output depends on other rows of the same input (window aggregates):
  /// such a transform must see the whole input at once, not batches of it.
  virtual bool row_independent() const { return true; }
  /// True when apply_fitted() gives training rows other values than apply() would (target
  /// encoding's out-of-fold values): what scoring computes must then be derived with apply().
  virtual bool out_of_fold() const { return false; }
  /// The fitted state as JSON, and its inverse.
  virtual nlohmann::json state() const { return nlohmann::json::object(); }
  virtual void load_state(const nlohmann::json& state) { (void)state; }
};

/// Builds a transform from its workflow entry ({type: log1p, columns: [a]}). Throws ConfigError
/// naming the entry's origin for an unknown type (with "did you mean") or a bad parameter.
std::unique_ptr<Transform> make_transform(const ConfigNode& spec);
/// The transform type names make_transform accepts.
const std::vector<std::string>& transform_types();

}  // namespace mlops

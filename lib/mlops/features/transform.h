#pragma once
// One declared feature transform. fit() learns from training rows only; apply() reuses what was
// learned, unchanged, at training and at scoring time (the state is saved next to the model).

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "mlops/config/node.h"
#include "mlops/core/table.h"

namespace mlops {

class Transform {
 public:
  virtual ~Transform() = default;
  /// Learns state from training rows. Stateless transforms do nothing.
  virtual void fit(const Table& training) { (void)training; }
  /// Transforms the table in place using the fitted state. Throws DataError naming the column
  /// when an input column is missing or has a type the transform cannot use.
  virtual void apply(Table& table) const = 0;
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

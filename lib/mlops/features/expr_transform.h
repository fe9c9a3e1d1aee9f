#pragma once

#include "mlops/expr/expression.h"
#include "mlops/features/transform.h"

namespace mlops {

/// {type: expr, name: bmi, expr: "weight / height ^ 2"}: adds (or replaces) the column `name`
/// with the expression's value on every row. Stateless; the expression language is in
/// lib/mlops/expr (docs/features.md, "Expressions"). Parse errors are ConfigErrors naming the
/// entry's origin.
class ExprTransform : public Transform {
 public:
  explicit ExprTransform(const ConfigNode& spec);
  void apply(Table& table) const override;

 private:
  std::string name_;
  Expression expression_;
};

}  // namespace mlops

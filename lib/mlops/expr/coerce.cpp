#include <cmath>

#include "mlops/expr/kernels.h"

namespace mlops::expr_detail {

ExprValues to_numbers(ExprValues values) {
  if (values.type == ExprType::kNumber) return values;
  ExprValues out = make_values(ExprType::kNumber, values.constant, values.size());
  out.integral = true;
  if (values.type == ExprType::kBool) {
    for (size_t i = 0; i < values.bools.size(); ++i) {
      out.numbers[i] = values.bools[i] == kNullBool ? NAN : values.bools[i];
    }
  } else {
    out.numbers[0] = NAN;  // the null literal
  }
  return out;
}

ExprValues coerce(ExprValues values, ExprType type) {
  if (values.type == type) return values;
  if (type == ExprType::kNumber) return to_numbers(std::move(values));
  // Only the null literal reaches here: a constant null of the wanted type.
  ExprValues out = make_values(type, true, 1);
  switch (type) {
    case ExprType::kBool: out.bools[0] = kNullBool; break;
    case ExprType::kTimestamp: out.times[0] = kNullTime; break;
    default: break;  // strings: a null view
  }
  return out;
}

std::optional<ExprType> common_type(const std::vector<ExprType>& types) {
  ExprType result = ExprType::kNull;
  for (ExprType type : types) {
    if (type == ExprType::kNull || type == result) continue;
    if (result == ExprType::kNull) {
      result = type;
    } else if (numeric_like(result) && numeric_like(type)) {
      result = ExprType::kNumber;  // number with bool
    } else {
      return std::nullopt;
    }
  }
  return result;
}

}  // namespace mlops::expr_detail

#pragma once
// Shared loops and coercions of the evaluator: internal to lib/mlops/expr.

#include <cmath>
#include <optional>
#include <vector>

#include "mlops/expr/evaluate.h"

namespace mlops::expr_detail {

/// True for types that read as numbers: number, bool (0/1) and the null literal.
inline bool numeric_like(ExprType type) {
  return type == ExprType::kNumber || type == ExprType::kBool || type == ExprType::kNull;
}

/// An empty result of `type` holding `n` values (constant when n is 1 and `constant`).
inline ExprValues make_values(ExprType type, bool constant, size_t n) {
  ExprValues out;
  out.type = type;
  out.constant = constant;
  switch (type) {
    case ExprType::kNumber: out.numbers.resize(n); break;
    case ExprType::kBool: out.bools.resize(n); break;
    case ExprType::kString: out.strings.resize(n); break;
    case ExprType::kTimestamp: out.times.resize(n); break;
    case ExprType::kNull: break;
  }
  return out;
}

/// Number of values a result of these operands holds: 1 when all are constant.
inline size_t result_size(bool constant, size_t rows) {
  return constant ? 1 : rows;
}

/// Calls fn(i, index into a, index into b) for each of the n result values.
template <typename Fn>
inline void for_each_pair(const ExprValues& a, const ExprValues& b, size_t n, Fn fn) {
  const size_t step_a = a.constant ? 0 : 1, step_b = b.constant ? 0 : 1;
  for (size_t i = 0, ia = 0, ib = 0; i < n; ++i, ia += step_a, ib += step_b) fn(i, ia, ib);
}

/// The values as numbers: bool becomes 0/1, null stays null (NaN).
ExprValues to_numbers(ExprValues values);
/// The values as `type` (for null literals joining a typed operand, and bool -> number).
ExprValues coerce(ExprValues values, ExprType type);
/// The type values of `types` can all take, or kNull when there is none; ignores kNull entries.
/// number + bool -> number.
std::optional<ExprType> common_type(const std::vector<ExprType>& types);
/// Non-finite numbers (x / 0, log(0)) become null.
inline double finite_or_null(double x) {
  return std::isfinite(x) ? x : NAN;
}

/// `op` applied to one operand (negate, not). Throws ConfigError for a wrong operand type.
ExprValues apply_unary(const ExprNode& node, ExprValues operand, const ExprContext& context);
/// `op` applied to two operands (arithmetic, comparison, and/or). Throws ConfigError for
/// operand types the operator does not take.
ExprValues apply_binary(const ExprNode& node, ExprOp op, ExprValues left, ExprValues right,
                        const ExprContext& context);
/// A built-in function applied to its evaluated arguments.
ExprValues call_function(const ExprNode& node, std::vector<ExprValues> args,
                         const ExprContext& context);

}  // namespace mlops::expr_detail

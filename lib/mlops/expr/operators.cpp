// The operators over whole columns. Null semantics (docs/features.md, "Expressions"):
// arithmetic and comparisons with a null operand are null; a result that is not a finite
// number (x / 0, 0 ^ -1) is null; and/or follow three-valued logic (false and null = false,
// true or null = true).

#include <fmt/format.h>

#include <cmath>

#include "mlops/core/time.h"
#include "mlops/expr/kernels.h"

namespace mlops::expr_detail {

namespace {

bool is_comparison(ExprOp op) {
  return op == ExprOp::kEqual || op == ExprOp::kNotEqual || op == ExprOp::kLess ||
         op == ExprOp::kLessEqual || op == ExprOp::kGreater || op == ExprOp::kGreaterEqual;
}

template <typename Fn>
ExprValues arithmetic_loop(const ExprValues& a, const ExprValues& b, size_t rows, Fn fn) {
  const bool constant = a.constant && b.constant;
  ExprValues out = make_values(ExprType::kNumber, constant, result_size(constant, rows));
  double* result = out.numbers.data();
  const double* x = a.numbers.data();
  const double* y = b.numbers.data();
  for_each_pair(a, b, out.numbers.size(), [&](size_t i, size_t ia, size_t ib) {
    result[i] = finite_or_null(fn(x[ia], y[ib]));
  });
  return out;
}

ExprValues arithmetic(ExprOp op, const ExprValues& a, const ExprValues& b, size_t rows) {
  ExprValues out;
  switch (op) {
    case ExprOp::kAdd:
      out = arithmetic_loop(a, b, rows, [](double x, double y) { return x + y; });
      break;
    case ExprOp::kSubtract:
      out = arithmetic_loop(a, b, rows, [](double x, double y) { return x - y; });
      break;
    case ExprOp::kMultiply:
      out = arithmetic_loop(a, b, rows, [](double x, double y) { return x * y; });
      break;
    case ExprOp::kDivide:
      return arithmetic_loop(a, b, rows, [](double x, double y) { return x / y; });
    case ExprOp::kModulo:
      out = arithmetic_loop(a, b, rows, [](double x, double y) { return std::fmod(x, y); });
      break;
    case ExprOp::kPower:
      out = arithmetic_loop(a, b, rows, [](double x, double y) { return std::pow(x, y); });
      // A whole base to a constant whole non-negative exponent stays whole.
      out.integral = a.integral && b.integral && b.constant && b.numbers[0] >= 0;
      return out;
    default: return out;
  }
  out.integral = a.integral && b.integral;
  return out;
}

template <typename T, typename IsNull, typename Compare>
ExprValues compare_loop(ExprOp op, const ExprValues& a, const ExprValues& b, const T* x, const T* y,
                        size_t rows, IsNull is_null, Compare compare) {
  const bool constant = a.constant && b.constant;
  ExprValues out = make_values(ExprType::kBool, constant, result_size(constant, rows));
  uint8_t* result = out.bools.data();
  // One loop per operator so the comparison inside is a plain instruction.
  auto run = [&](auto holds) {
    for_each_pair(a, b, out.bools.size(), [&](size_t i, size_t ia, size_t ib) {
      result[i] = is_null(x[ia]) || is_null(y[ib]) ? kNullBool : holds(x[ia], y[ib]);
    });
  };
  switch (op) {
    case ExprOp::kEqual: run([&](const T& p, const T& q) { return compare(p, q) == 0; }); break;
    case ExprOp::kNotEqual: run([&](const T& p, const T& q) { return compare(p, q) != 0; }); break;
    case ExprOp::kLess: run([&](const T& p, const T& q) { return compare(p, q) < 0; }); break;
    case ExprOp::kLessEqual: run([&](const T& p, const T& q) { return compare(p, q) <= 0; }); break;
    case ExprOp::kGreater: run([&](const T& p, const T& q) { return compare(p, q) > 0; }); break;
    default: run([&](const T& p, const T& q) { return compare(p, q) >= 0; }); break;
  }
  return out;
}

template <typename T>
int order_of(const T& p, const T& q) {
  return p < q ? -1 : (q < p ? 1 : 0);
}

/// A constant string compared with a timestamp is read as a timestamp ('2001-06-01').
ExprValues string_as_timestamp(const ExprValues& values, const ExprNode& node,
                               const ExprContext& context) {
  ExprValues out = make_values(ExprType::kTimestamp, true, 1);
  const std::string_view text = values.strings[0];
  if (text.data() == nullptr) {
    out.times[0] = kNullTime;
    return out;
  }
  std::optional<int64_t> micros = parse_timestamp(text);
  if (!micros) {
    expr_fail(context, node,
              fmt::format("'{}' is not a timestamp (write 'YYYY-MM-DD[ HH:MM:SS]')", text));
  }
  out.times[0] = *micros;
  return out;
}

ExprValues compare(const ExprNode& node, ExprOp op, ExprValues a, ExprValues b,
                   const ExprContext& context) {
  if (a.type == ExprType::kTimestamp && b.type == ExprType::kString && b.constant) {
    b = string_as_timestamp(b, node.children[1], context);
  } else if (b.type == ExprType::kTimestamp && a.type == ExprType::kString && a.constant) {
    a = string_as_timestamp(a, node.children[0], context);
  }
  std::optional<ExprType> type = common_type({a.type, b.type});
  if (!type) {
    expr_fail(context, node,
              fmt::format("'{}' cannot compare {} with {}", expr_op_text(op),
                          expr_type_name(a.type), expr_type_name(b.type)));
  }
  if (*type == ExprType::kNull) type = ExprType::kNumber;  // null == null is null
  a = coerce(std::move(a), *type);
  b = coerce(std::move(b), *type);
  const size_t rows = context.rows;
  switch (*type) {
    case ExprType::kString:
      return compare_loop(
          op, a, b, a.strings.data(), b.strings.data(), rows,
          [](std::string_view s) { return s.data() == nullptr; },
          [](std::string_view p, std::string_view q) { return p.compare(q); });
    case ExprType::kTimestamp:
      return compare_loop(
          op, a, b, a.times.data(), b.times.data(), rows, [](int64_t t) { return t == kNullTime; },
          order_of<int64_t>);
    case ExprType::kBool:
      return compare_loop(
          op, a, b, a.bools.data(), b.bools.data(), rows, [](uint8_t v) { return v == kNullBool; },
          order_of<uint8_t>);
    default:
      return compare_loop(
          op, a, b, a.numbers.data(), b.numbers.data(), rows,
          [](double x) { return std::isnan(x); }, order_of<double>);
  }
}

ExprValues logic(ExprOp op, const ExprValues& a, const ExprValues& b, size_t rows) {
  const bool constant = a.constant && b.constant;
  ExprValues out = make_values(ExprType::kBool, constant, result_size(constant, rows));
  uint8_t* result = out.bools.data();
  const uint8_t* x = a.bools.data();
  const uint8_t* y = b.bools.data();
  if (op == ExprOp::kAnd) {
    // false wins, then null, then true.
    for_each_pair(a, b, out.bools.size(), [&](size_t i, size_t ia, size_t ib) {
      result[i] = (x[ia] == 0 || y[ib] == 0)                   ? 0
                  : (x[ia] == kNullBool || y[ib] == kNullBool) ? kNullBool
                                                               : 1;
    });
  } else {
    // true wins, then null, then false.
    for_each_pair(a, b, out.bools.size(), [&](size_t i, size_t ia, size_t ib) {
      result[i] = (x[ia] == 1 || y[ib] == 1)                   ? 1
                  : (x[ia] == kNullBool || y[ib] == kNullBool) ? kNullBool
                                                               : 0;
    });
  }
  return out;
}

const char* operand_kind(ExprOp op) {
  if (op == ExprOp::kAnd || op == ExprOp::kOr || op == ExprOp::kNot) return "conditions";
  return "numbers";
}

}  // namespace

ExprValues apply_unary(const ExprNode& node, ExprValues operand, const ExprContext& context) {
  if (node.op == ExprOp::kNot) {
    if (operand.type != ExprType::kBool && operand.type != ExprType::kNull) {
      expr_fail(context, node,
                fmt::format("'not' needs a condition, got {}", expr_type_name(operand.type)));
    }
    operand = coerce(std::move(operand), ExprType::kBool);
    for (uint8_t& b : operand.bools) b = b == kNullBool ? kNullBool : !b;
    return operand;
  }
  if (!numeric_like(operand.type)) {
    expr_fail(context, node,
              fmt::format("'-' needs a number, got {}", expr_type_name(operand.type)));
  }
  operand = to_numbers(std::move(operand));
  for (double& x : operand.numbers) x = -x;
  return operand;
}

ExprValues apply_binary(const ExprNode& node, ExprOp op, ExprValues left, ExprValues right,
                        const ExprContext& context) {
  if (is_comparison(op)) return compare(node, op, std::move(left), std::move(right), context);
  if (op == ExprOp::kAnd || op == ExprOp::kOr) {
    for (const ExprValues* side : {&left, &right}) {
      if (side->type != ExprType::kBool && side->type != ExprType::kNull) {
        expr_fail(context, node,
                  fmt::format("'{}' needs {}, got {}", expr_op_text(op), operand_kind(op),
                              expr_type_name(side->type)));
      }
    }
    return logic(op, coerce(std::move(left), ExprType::kBool),
                 coerce(std::move(right), ExprType::kBool), context.rows);
  }
  if (!numeric_like(left.type) || !numeric_like(right.type)) {
    expr_fail(context, node,
              fmt::format("'{}' needs numbers, got {} and {}", expr_op_text(op),
                          expr_type_name(left.type), expr_type_name(right.type)));
  }
  return arithmetic(op, to_numbers(std::move(left)), to_numbers(std::move(right)), context.rows);
}

}  // namespace mlops::expr_detail

#include "mlops/expr/evaluate.h"

#include <fmt/format.h>

#include <optional>
#include <unordered_set>

#include "mlops/core/error.h"
#include "mlops/core/suggest.h"
#include "mlops/expr/kernels.h"

namespace mlops {

void expr_fail(const ExprContext& context, const ExprNode& node, const std::string& what) {
  throw ConfigError("{}{}expression '{}': {} at character {}", context.where,
                    context.where.empty() ? "" : ": ", context.text, what, node.position);
}

namespace {

ExprValues literal(const ExprNode& node) {
  using expr_detail::make_values;
  switch (node.kind) {
    case ExprNode::Kind::kNumber: {
      ExprValues out = make_values(ExprType::kNumber, true, 1);
      out.numbers[0] = node.number;
      out.integral = node.integral;
      return out;
    }
    case ExprNode::Kind::kString: {
      ExprValues out = make_values(ExprType::kString, true, 1);
      out.strings[0] = node.text;  // the tree outlives the values
      return out;
    }
    case ExprNode::Kind::kBool: {
      ExprValues out = make_values(ExprType::kBool, true, 1);
      out.bools[0] = node.number != 0;
      return out;
    }
    default: return null_values();
  }
}

ExprValues column(const ExprNode& node, const ExprContext& context) {
  const Column* found = context.table->find(node.text);
  if (!found) {
    throw DataError("{}{}expression '{}': no column '{}'{}", context.where,
                    context.where.empty() ? "" : ": ", context.text, node.text,
                    did_you_mean(node.text, context.table->column_names()));
  }
  return values_from_column(*found);
}

/// `x in (literals)` with x a string or number column: one pass with a set lookup per row.
/// nullopt when the list is not all literals of x's type.
std::optional<ExprValues> in_literals(const ExprNode& node, const ExprValues& subject) {
  const bool strings = subject.type == ExprType::kString;
  if (subject.constant || (!strings && subject.type != ExprType::kNumber)) return std::nullopt;
  std::unordered_set<std::string_view> texts;
  std::unordered_set<double> numbers;
  bool null_listed = false;
  for (size_t i = 1; i < node.children.size(); ++i) {
    const ExprNode& item = node.children[i];
    if (item.kind == ExprNode::Kind::kNull) {
      null_listed = true;
    } else if (strings && item.kind == ExprNode::Kind::kString) {
      texts.insert(item.text);
    } else if (!strings && item.kind == ExprNode::Kind::kNumber) {
      numbers.insert(item.number);
    } else {
      return std::nullopt;
    }
  }
  // SQL: no match against a list holding null is null, not false.
  const uint8_t miss = null_listed ? kNullBool : uint8_t{node.negated};
  const uint8_t hit = node.negated ? 0 : 1;
  const size_t rows = strings ? subject.strings.size() : subject.numbers.size();
  ExprValues out = expr_detail::make_values(ExprType::kBool, false, rows);
  for (size_t row = 0; row < rows; ++row) {
    if (subject.is_null(row)) {
      out.bools[row] = kNullBool;
    } else {
      const bool found =
          strings ? texts.count(subject.strings[row]) > 0 : numbers.count(subject.numbers[row]) > 0;
      out.bools[row] = found ? hit : miss;
    }
  }
  return out;
}

/// x in (a, b, ...) is x == a or x == b or ...; `not in` negates it. Nulls as in SQL.
ExprValues in_list(const ExprNode& node, const ExprContext& context) {
  const ExprValues subject = evaluate_node(node.children[0], context);
  if (std::optional<ExprValues> fast = in_literals(node, subject)) return std::move(*fast);
  ExprNode equal;
  equal.kind = ExprNode::Kind::kBinary;
  equal.op = ExprOp::kEqual;
  equal.position = node.position;
  equal.children = {node.children[0], node.children[0]};  // positions for messages only
  ExprValues result;
  for (size_t i = 1; i < node.children.size(); ++i) {
    equal.children[1] = node.children[i];
    ExprValues match = expr_detail::apply_binary(equal, ExprOp::kEqual, subject,
                                                 evaluate_node(node.children[i], context), context);
    result = i == 1 ? std::move(match)
                    : expr_detail::apply_binary(node, ExprOp::kOr, std::move(result),
                                                std::move(match), context);
  }
  if (!node.negated) return result;
  ExprNode negate;
  negate.kind = ExprNode::Kind::kUnary;
  negate.op = ExprOp::kNot;
  negate.position = node.position;
  return expr_detail::apply_unary(negate, std::move(result), context);
}

}  // namespace

ExprValues evaluate_node(const ExprNode& node, const ExprContext& context) {
  switch (node.kind) {
    case ExprNode::Kind::kNumber:
    case ExprNode::Kind::kString:
    case ExprNode::Kind::kBool:
    case ExprNode::Kind::kNull: return literal(node);
    case ExprNode::Kind::kColumn: return column(node, context);
    case ExprNode::Kind::kUnary:
      return expr_detail::apply_unary(node, evaluate_node(node.children[0], context), context);
    case ExprNode::Kind::kBinary:
      return expr_detail::apply_binary(node, node.op, evaluate_node(node.children[0], context),
                                       evaluate_node(node.children[1], context), context);
    case ExprNode::Kind::kCall: {
      std::vector<ExprValues> args;
      args.reserve(node.children.size());
      for (const auto& child : node.children) args.push_back(evaluate_node(child, context));
      return expr_detail::call_function(node, std::move(args), context);
    }
    case ExprNode::Kind::kIn: return in_list(node, context);
  }
  throw InternalError("unknown expression node");
}

}  // namespace mlops

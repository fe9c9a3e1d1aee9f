#include "mlops/expr/expression.h"

#include <algorithm>

#include "mlops/core/error.h"
#include "mlops/expr/evaluate.h"
#include "mlops/expr/functions.h"
#include "mlops/expr/parser.h"

namespace mlops {

namespace {

void collect(const ExprNode& node, const ExprContext& context, std::vector<std::string>& columns) {
  if (node.kind == ExprNode::Kind::kColumn &&
      std::find(columns.begin(), columns.end(), node.text) == columns.end()) {
    columns.push_back(node.text);
  }
  if (node.kind == ExprNode::Kind::kCall) check_function_call(node, context);
  for (const auto& child : node.children) collect(child, context, columns);
}

}  // namespace

Expression Expression::parse(std::string text, std::string where) {
  Expression expression;
  expression.text_ = std::make_shared<const std::string>(std::move(text));
  expression.where_ = std::make_shared<const std::string>(std::move(where));
  try {
    expression.root_ = std::make_shared<const ExprNode>(parse_expression(*expression.text_));
  } catch (const ConfigError& e) {
    if (expression.where_->empty()) throw;
    throw ConfigError("{}: {}", *expression.where_, e.what());
  }
  ExprContext context{*expression.text_, *expression.where_, nullptr, 0};
  collect(*expression.root_, context, expression.columns_);
  return expression;
}

ExprValues Expression::evaluate(const Table& table) const {
  ExprContext context{*text_, *where_, &table, table.num_rows()};
  return evaluate_node(*root_, context);
}

Column Expression::evaluate_column(const Table& table, std::string name) const {
  return values_to_column(evaluate(table), std::move(name), table.num_rows());
}

}  // namespace mlops

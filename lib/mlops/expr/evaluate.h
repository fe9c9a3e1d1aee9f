#pragma once
// Evaluating a syntax tree over a table, one node at a time over whole columns: `delay > 15`
// on three million rows is one conversion loop and one comparison loop, no per-row objects.

#include <string_view>

#include "mlops/core/table.h"
#include "mlops/expr/ast.h"
#include "mlops/expr/values.h"

namespace mlops {

/// What every node's evaluation needs besides the node: the rows and how to word an error.
struct ExprContext {
  std::string_view text;   // the whole expression
  std::string_view where;  // "workflow.yaml:12:5: key 'featurize.label.expr'", or empty
  const Table* table = nullptr;
  size_t rows = 0;
};

/// Throws ConfigError "<where>: expression '<text>': <what> at character N".
[[noreturn]] void expr_fail(const ExprContext& context, const ExprNode& node,
                            const std::string& what);

/// The node's values over every row of the table (constant when it reads no column). Throws
/// DataError for a missing column and ConfigError for a type mismatch, both via the context.
ExprValues evaluate_node(const ExprNode& node, const ExprContext& context);

}  // namespace mlops

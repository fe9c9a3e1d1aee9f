#pragma once
// Expressions over columns, as the workflow and contracts write them:
//
//   delay > 15                        weight / height ^ 2
//   temp_min <= temp_max              coalesce(Horsepower, 0) * 2
//   if(Cylinders >= 6, 'big', 'small')   origin in ('ATL', 'ORD') and not is_null(delay)
//
// Parsed once, checked against the table's column types when evaluated, and evaluated one node
// at a time over whole columns. Null semantics are SQL's; docs/features.md has the reference.

#include <memory>
#include <string>
#include <vector>

#include "mlops/core/table.h"
#include "mlops/expr/ast.h"
#include "mlops/expr/values.h"

namespace mlops {

/// A parsed expression: cheap to copy (the tree is shared and immutable).
class Expression {
 public:
  /// Parses `text` and checks its function names and argument counts. `where` (e.g.
  /// "workflow.yaml:12:5: key 'featurize.label.expr'") prefixes every error message. Throws
  /// ConfigError "<where>: expression '<text>': <what> at character N".
  static Expression parse(std::string text, std::string where = "");

  const std::string& text() const { return *text_; }
  /// Every column the expression reads, once each, in order of first use.
  const std::vector<std::string>& columns() const { return columns_; }

  /// The expression's value for every row of `table` (a constant when it reads no column).
  /// Throws DataError for a missing column (with "did you mean") and ConfigError for operand
  /// types an operator or function does not take ("'>' cannot compare string with number").
  /// The values may point into `table` and into this expression: both must outlive them.
  ExprValues evaluate(const Table& table) const;
  /// evaluate() as a column of table.num_rows() rows named `name`: bool for conditions, int64
  /// for whole numbers computed from integers, float64 for other numbers, string, timestamp.
  Column evaluate_column(const Table& table, std::string name) const;

 private:
  std::shared_ptr<const std::string> text_;  // shared: string literals in values view into it
  std::shared_ptr<const std::string> where_;
  std::shared_ptr<const ExprNode> root_;
  std::vector<std::string> columns_;
};

}  // namespace mlops

#pragma once
// The syntax tree of an expression such as `weight / height ^ 2` or `delay > 15`. The parser
// builds it once; the evaluator walks it once per table, each node over whole columns.

#include <cstdint>
#include <string>
#include <vector>

namespace mlops {

/// An operator of a unary or binary node.
enum class ExprOp : uint8_t {
  kNone,
  // arithmetic
  kAdd,
  kSubtract,
  kMultiply,
  kDivide,
  kModulo,
  kPower,
  kNegate,
  // comparison
  kEqual,
  kNotEqual,
  kLess,
  kLessEqual,
  kGreater,
  kGreaterEqual,
  // logic (three-valued)
  kAnd,
  kOr,
  kNot,
};

/// The operator as written: "+", "<=", "and", ...
const char* expr_op_text(ExprOp op);

/// One node of the tree; children own their subtrees.
struct ExprNode {
  enum class Kind : uint8_t {
    kNumber,  // literal; `integral` when written without a fraction or exponent
    kString,  // literal text in `text`
    kBool,    // literal; value in `number` (0 or 1)
    kNull,    // literal null
    kColumn,  // a column named `text`
    kUnary,   // `op` applied to children[0]
    kBinary,  // children[0] `op` children[1]
    kCall,    // function `text` applied to children
    kIn,      // children[0] in (children[1..]); `negated` for `not in`
  };
  Kind kind = Kind::kNull;
  ExprOp op = ExprOp::kNone;
  std::string text;
  double number = 0;
  bool integral = false;
  bool negated = false;
  std::vector<ExprNode> children;
  size_t position = 1;  // 1-based character of the source where the node starts
};

}  // namespace mlops

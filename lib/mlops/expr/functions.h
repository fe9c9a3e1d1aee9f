#pragma once
// The built-in functions of expressions, declared once: name, arity and a one-line help that
// docs/features.md repeats.

#include <string>
#include <vector>

#include "mlops/expr/evaluate.h"

namespace mlops {

/// A built-in function's declaration.
struct ExprFunction {
  const char* name;
  size_t min_args;
  size_t max_args;  // SIZE_MAX: any number
  const char* signature;
  const char* help;
};

/// Every built-in function, in the order the docs list them.
const std::vector<ExprFunction>& expr_functions();
/// Throws ConfigError (via the context) for an unknown function, with "did you mean", or a
/// call with the wrong number of arguments.
void check_function_call(const ExprNode& call, const ExprContext& context);

}  // namespace mlops

#include "mlops/features/expr_transform.h"

#include <fmt/format.h>

#include "mlops/features/transform_params.h"

namespace mlops {

namespace {

Expression parse_entry(const ConfigNode& spec) {
  check_transform_keys(spec, {"name", "expr"});
  const std::string text = required_string(spec, "expr");
  return Expression::parse(
      text, fmt::format("{}: transform 'expr'", spec.get("expr")->origin().describe()));
}

}  // namespace

ExprTransform::ExprTransform(const ConfigNode& spec)
    : name_(required_string(spec, "name")), expression_(parse_entry(spec)) {}

void ExprTransform::apply(Table& table) const {
  table.set_column(expression_.evaluate_column(table, name_));
}

}  // namespace mlops

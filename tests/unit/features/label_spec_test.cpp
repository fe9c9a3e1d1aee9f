// featurize.label as the workflow declares it: a column, or a name with an expression.

#include <gtest/gtest.h>

#include "mlops/config/workflow.h"
#include "mlops/core/error.h"

namespace mlops {
namespace {

Workflow workflow_with(const std::string& label) {
  const std::string yaml =
      "name: flights\ningest:\n  source: {type: file, path: flights.csv}\nfeaturize:\n  label: " +
      label + "\n";
  return build_workflow(parse_yaml(yaml, "workflow.yaml"), "local");
}

std::string config_error(const std::string& label) {
  try {
    workflow_with(label);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "no error";
}

TEST(LabelSpec, ColumnOrNameWithExpression) {
  LabelSpec column = workflow_with("{column: delay}").featurize.label;
  EXPECT_EQ(column.column, "delay");
  EXPECT_TRUE(column.expr.empty());
  LabelSpec computed = workflow_with("{name: delayed, expr: \"delay > 15\"}").featurize.label;
  EXPECT_EQ(computed.column, "delayed");
  EXPECT_EQ(computed.expr, "delay > 15");
  EXPECT_EQ(computed.origin, "workflow.yaml:5:26");
}

TEST(LabelSpec, NameAndExpressionGoTogetherAndExcludeColumn) {
  EXPECT_EQ(config_error("{expr: \"delay > 15\"}"),
            "workflow.yaml:5:11: key 'featurize.label.name' is required with "
            "'featurize.label.expr'");
  EXPECT_EQ(config_error("{name: delayed}"),
            "workflow.yaml:5:3: key 'featurize.label.expr' is required with "
            "'featurize.label.name'");
  EXPECT_EQ(config_error("{column: delay, name: delayed, expr: \"delay > 15\"}"),
            "workflow.yaml:5:3: key 'featurize.label': give either 'column' or 'name' with "
            "'expr', not both");
}

}  // namespace
}  // namespace mlops

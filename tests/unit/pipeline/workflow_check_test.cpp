// check_workflow: the transforms and contracts of a workflow parsed at load, errors naming
// file:line:key with a suggestion.

#include "mlops/pipeline/workflow_check.h"

#include <gtest/gtest.h>

#include "mlops/core/error.h"
#include "support/temp_dir.h"

namespace mlops {
namespace {

// Loads `workflow` (after a valid name and source) with built-in defaults only and checks it;
// returns the ConfigError message, "" when none.
std::string check_error(const std::string& workflow, const testing::TempDir& dir) {
  LoadOptions options;
  options.config_dir = dir.file("no-configs");
  options.workflow_path =
      dir.write("wf.yaml", "name: w\ningest: {source: {path: a.csv}}\n" + workflow);
  options.getenv = [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
  try {
    load_checked_workflow(options);
  } catch (const ConfigError& error) {
    return error.what();
  }
  return "";
}

TEST(WorkflowCheck, ValidWorkflowPasses) {
  testing::TempDir dir;
  dir.write("c.yaml", "columns:\n  a: {dtype: int64}\n");
  EXPECT_EQ(check_error("featurize:\n  transforms:\n    - {type: log1p, column: b}\n"
                        "contracts: {ingest: " +
                            dir.file("c.yaml") + ", train: {rows: {min: 1}}}\n",
                        dir),
            "");
}

TEST(WorkflowCheck, MisspeltTransformTypeNamesFileLineKeyAndSuggestion) {
  testing::TempDir dir;
  EXPECT_EQ(check_error("featurize:\n  transforms:\n    - {type: log1pp, column: b}\n", dir),
            dir.file("wf.yaml") +
                ":5:8: key 'featurize.transforms': unknown transform type 'log1pp' (did you mean "
                "'log1p'?)");
}

TEST(WorkflowCheck, MisspeltTransformKeyIsAnError) {
  testing::TempDir dir;
  const std::string error =
      check_error("featurize:\n  transforms:\n    - {type: log1p, colum: b}\n", dir);
  EXPECT_TRUE(error.starts_with(dir.file("wf.yaml") + ":5:")) << error;
  EXPECT_NE(error.find("'colum'"), std::string::npos) << error;
  EXPECT_NE(error.find("(did you mean 'column'?)"), std::string::npos) << error;
}

TEST(WorkflowCheck, BadLabelExpressionIsAnError) {
  testing::TempDir dir;
  const std::string error =
      check_error("featurize:\n  label: {name: late, expr: \"delay >\"}\n", dir);
  EXPECT_TRUE(error.starts_with(dir.file("wf.yaml") + ":4:")) << error;
  EXPECT_NE(error.find("featurize.label.expr"), std::string::npos) << error;
}

TEST(WorkflowCheck, MisspeltInlineContractKeyNamesFileLineKeyAndSuggestion) {
  testing::TempDir dir;
  const std::string error = check_error("contracts:\n  ingest: {colums: {}}\n", dir);
  EXPECT_TRUE(error.starts_with(dir.file("wf.yaml") + ":4:")) << error;
  EXPECT_NE(error.find("'colums' (did you mean 'columns'?)"), std::string::npos) << error;
}

TEST(WorkflowCheck, MisspeltKeyInAContractFileNamesThatFile) {
  testing::TempDir dir;
  dir.write("c.yaml", "rows: {min: 1}\ncolumns:\n  a: {dtype: int64, nullabel: false}\n");
  EXPECT_EQ(check_error("contracts: {ingest: " + dir.file("c.yaml") + "}\n", dir),
            dir.file("c.yaml") +
                ":3:21: unknown contract key 'columns.a.nullabel' (did you mean 'nullable'?)");
}

TEST(WorkflowCheck, MissingContractFileNamesTheWorkflowKey) {
  testing::TempDir dir;
  EXPECT_EQ(check_error("contracts: {ingest: nowhere.yaml}\n", dir),
            dir.file("wf.yaml") +
                ":3:13: key 'contracts.ingest': contract file 'nowhere.yaml' does not exist");
}

TEST(WorkflowCheck, ConfigWithAWorkflowIsCheckedToo) {
  testing::TempDir dir;
  LoadOptions options;
  options.config_dir = dir.file("no-configs");
  options.workflow_path = dir.write(
      "wf.yaml", "name: w\ningest: {source: {path: a.csv}}\ncontracts: {ingest: {colums: {}}}\n");
  options.getenv = [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
  EXPECT_THROW(load_checked_config(options), ConfigError);
  options.workflow_path.reset();
  EXPECT_NO_THROW(load_checked_config(options));
}

}  // namespace
}  // namespace mlops

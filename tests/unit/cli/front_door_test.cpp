#include "front_door.h"

#include <gtest/gtest.h>

#include "mlops/core/error.h"
#include "mlops/core/log.h"
#include "support/error_text.h"
#include "support/temp_dir.h"

namespace mlops::cli {
namespace {

/// A config dir listing two workflows, with JSON logs in base.yaml.
CommonOptions two_workflows(const testing::TempDir& dir) {
  dir.write("a.yaml", "name: a\ningest:\n  source: {path: a.csv}\n");
  dir.write("b.yaml", "name: b\ningest:\n  source: {path: b.csv}\n");
  dir.write("configs/base.yaml", "log_format: json\nworkflows: [" + dir.file("a.yaml") + ", " +
                                     dir.file("b.yaml") + "]\n");
  dir.write("configs/local.yaml", "");
  CommonOptions options;
  options.config_dir = dir.file("configs");
  return options;
}

class FrontDoor : public ::testing::Test {
 protected:
  void TearDown() override {
    set_log_format(LogFormat::kText);
    set_log_level(LogLevel::kInfo);
  }
  testing::TempDir dir_;
};

TEST_F(FrontDoor, EveryWorkflowScopeLoadsEachConfiguredWorkflowAndAppliesLogSettings) {
  const CommandConfig config =
      load_command_config(two_workflows(dir_), ConfigScope::kEveryWorkflow);
  ASSERT_EQ(config.workflows.size(), 2u);
  EXPECT_EQ(config.workflows[0].name, "a");
  EXPECT_EQ(config.workflows[1].name, "b");
  EXPECT_EQ(log_format(), LogFormat::kJson);
}

TEST_F(FrontDoor, OneWorkflowScopeRefusesSeveralConfiguredWorkflows) {
  const CommonOptions options = two_workflows(dir_);
  EXPECT_EQ(testing::error_text<ConfigError>(
                [&] { load_command_config(options, ConfigScope::kOneWorkflow); }),
            "2 workflows are configured (" + dir_.file("a.yaml") + ", " + dir_.file("b.yaml") +
                "); pick one with --workflow FILE");
}

TEST_F(FrontDoor, ConfigScopeAppliesLogFormatFlagAndSetOverrides) {
  CommonOptions options = two_workflows(dir_);
  options.log_format = "text";
  options.sets = {"seed=7"};
  const CommandConfig config = load_command_config(options, ConfigScope::kConfig);
  EXPECT_EQ(config.settings.seed, 7u);
  EXPECT_EQ(config.settings.log_format, "text");
  EXPECT_EQ(log_format(), LogFormat::kText);
  EXPECT_TRUE(config.workflows.empty());
}

}  // namespace
}  // namespace mlops::cli

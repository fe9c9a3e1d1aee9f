#include "mlops/model/task.h"

#include <gtest/gtest.h>

#include "mlops/core/error.h"

namespace mlops {
namespace {

TEST(Task, ObjectivePrefixSelectsTask) {
  EXPECT_EQ(task_for_objective("binary:logistic"), Task::kBinary);
  EXPECT_EQ(task_for_objective("multi:softprob"), Task::kMulticlass);
  EXPECT_EQ(task_for_objective("reg:squarederror"), Task::kRegression);
  EXPECT_EQ(task_for_objective("count:poisson"), Task::kRegression);
  EXPECT_EQ(task_for_objective("survival:cox"), Task::kRegression);
}

TEST(Task, UnknownObjectiveNamesTheKey) {
  try {
    task_for_objective("rank:pairwise");
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& error) {
    EXPECT_STREQ(error.what(),
                 "train.objective: unsupported objective 'rank:pairwise' (expected binary:*, "
                 "multi:*, reg:*, count:* or survival:*)");
  }
}

}  // namespace
}  // namespace mlops

// The built-in training-readiness report on feature tables made in memory by featurize(), with
// no run folder.

#include "mlops/contracts/training_readiness.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <string>

#include "mlops/core/time.h"
#include "mlops/features/featurize.h"

namespace mlops {
namespace {

Workflow workflow_with(const std::string& featurize) {
  const std::string yaml = "name: flights\ningest:\n  source: {type: file, path: flights.csv}\n" +
                           featurize +
                           "train:\n  objective: binary:logistic\n  split: {type: time, column: "
                           "day, holdout_from: \"2001-01-09\"}\n";
  return build_workflow(parse_yaml(yaml, "workflow.yaml"), "local");
}

const std::string kDelayed =
    "featurize:\n  label: {name: delayed, expr: \"delay > 15\"}\n  drop: [day]\n";

/// Twelve flights on days 1-12 of January 2001 (days 9-12 are the holdout); `delays` in minutes.
Table flights(const std::vector<int64_t>& delays) {
  Column day("day", DType::kTimestamp), delay("delay", DType::kInt64),
      distance("distance", DType::kFloat64), late("late", DType::kInt64);
  for (size_t row = 0; row < delays.size(); ++row) {
    day.push_int(*parse_timestamp(fmt::format("2001-01-{:02} 08:00:00", row + 1)));
    delay.push_int(delays[row]);
    distance.push_float(100.0 * static_cast<double>(row + 1));
    late.push_int(delays[row] > 15 ? 1 : 0);
  }
  Table table;
  table.add_column(std::move(day));
  table.add_column(std::move(delay));
  table.add_column(std::move(distance));
  table.add_column(std::move(late));
  return table;
}

const std::vector<int64_t> kMixed{0, 20, 5, 30, 1, 40, 2, 50, 4, 60, 3, 70};

/// The features of `table` and the report on them; `late` dropped unless `keep_late`.
ContractReport report_on(
    Table table, bool keep_late, void (*edit)(Table&) = [](Table&) {}) {
  const Workflow workflow =
      workflow_with(keep_late ? kDelayed
                              : "featurize:\n  label: {name: delayed, expr: \"delay > 15\"}\n"
                                "  drop: [day, late]\n");
  FeaturizeResult result = featurize(std::move(table), workflow.featurize, workflow.train);
  edit(result.features);
  return validate_training_table(result.features, result.pipeline);
}

const CheckResult* find_readiness_check(const ContractReport& report, const std::string& check,
                              const std::string& column) {
  for (const auto& each : report.checks) {
    if (each.check == check && each.column == column) return &each;
  }
  return nullptr;
}

std::vector<std::string> failed_checks(const ContractReport& report) {
  std::vector<std::string> failed;
  for (const auto& check : report.checks) {
    if (!check.passed) failed.push_back(check.check + ":" + check.column);
  }
  return failed;
}

TEST(TrainingReadiness, FeaturizedTableWithTwoClassesPassesEveryCheck) {
  const ContractReport report = report_on(flights(kMixed), false);
  EXPECT_EQ(report.stage, "validate");
  EXPECT_EQ(report.contract, "built-in training readiness");
  EXPECT_EQ(report.rows, 12u);
  EXPECT_TRUE(report.passed());
  EXPECT_EQ(failed_checks(report), std::vector<std::string>{});
  const CheckResult* labeled = find_readiness_check(report, "labeled_rows", "delayed");
  ASSERT_NE(labeled, nullptr);
  EXPECT_EQ(labeled->observed, "12");
  const CheckResult* training = find_readiness_check(report, "training_classes", "delayed");
  ASSERT_NE(training, nullptr);
  EXPECT_EQ(training->observed, "2 classes in 8 training rows");
  ASSERT_NE(find_readiness_check(report, "no_label_source", "delay"), nullptr);
  ASSERT_NE(find_readiness_check(report, "numeric_feature", "distance"), nullptr);
}

TEST(TrainingReadiness, MissingLabelColumnFailsAndNothingElseIsChecked) {
  const ContractReport report =
      report_on(flights(kMixed), false, [](Table& features) { features.remove_column("delayed"); });
  EXPECT_FALSE(report.passed());
  ASSERT_EQ(report.checks.size(), 1u);
  EXPECT_EQ(report.checks[0].check, "label_present");
  EXPECT_EQ(report.checks[0].column, "delayed");
  EXPECT_EQ(report.checks[0].observed, "missing");
}

TEST(TrainingReadiness, OneClassFailsOverallAndAmongTrainingRows) {
  const ContractReport report =
      report_on(flights({20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31}), false);
  EXPECT_EQ(failed_checks(report),
            (std::vector<std::string>{"label_classes:delayed", "training_classes:delayed"}));
  EXPECT_EQ(find_readiness_check(report, "label_classes", "delayed")->observed, "1 classes");
  EXPECT_EQ(find_readiness_check(report, "training_classes", "delayed")->observed,
            "1 classes in 8 training rows");
}

TEST(TrainingReadiness, FeatureThatCopiesTheLabelIsLeakage) {
  const ContractReport report = report_on(flights(kMixed), true);
  EXPECT_EQ(failed_checks(report), std::vector<std::string>{"no_label_leakage:late"});
  EXPECT_EQ(find_readiness_check(report, "no_label_leakage", "late")->observed,
            "identical to the label on every labeled row");
}

TEST(TrainingReadiness, FewerThanTenLabeledRowsAndAStringFeatureFail) {
  const ContractReport report = report_on(flights(kMixed), false, [](Table& features) {
    Column text("distance", DType::kString);
    for (size_t row = 0; row < features.num_rows(); ++row) text.push_string("far");
    features.set_column(std::move(text));
    Column label("delayed", DType::kBool);
    for (size_t row = 0; row < features.num_rows(); ++row) {
      row < 9 ? label.push_bool(row % 2 == 0) : label.push_null();
    }
    features.set_column(std::move(label));
  });
  EXPECT_EQ(failed_checks(report),
            (std::vector<std::string>{"labeled_rows:delayed", "numeric_feature:distance"}));
  EXPECT_EQ(find_readiness_check(report, "labeled_rows", "delayed")->observed, "9");
  EXPECT_EQ(find_readiness_check(report, "numeric_feature", "distance")->observed, "string");
}

}  // namespace
}  // namespace mlops

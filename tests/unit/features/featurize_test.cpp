// featurize() on small in-memory tables: the label, the split and the transforms fitted on the
// training rows only, with no run folder.

#include "mlops/features/featurize.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "mlops/core/error.h"
#include "mlops/model/train/training_split.h"
#include "transform_test_support.h"

namespace mlops {
namespace {

using testing::make_column;
using testing::make_table;
using testing::texts;
using testing::Texts;

Workflow workflow_from(const std::string& featurize, const std::string& split) {
  const std::string yaml = "name: flights\ningest:\n  source: {type: file, path: flights.csv}\n" +
                           featurize + "train:\n  objective: binary:logistic\n  split: " + split +
                           "\n";
  return build_workflow(parse_yaml(yaml, "workflow.yaml"), "local");
}

/// Twelve days of flights: days 1-8 before the time split's cutoff, 9-12 after it. Day 9 has
/// no delay (no label); day 10 no distance.
Table featurize_flights() {
  return make_table(
      {make_column("date", DType::kTimestamp,
                   {"2001-01-01 08:00:00", "2001-01-02 08:00:00", "2001-01-03 08:00:00",
                    "2001-01-04 08:00:00", "2001-01-05 08:00:00", "2001-01-06 08:00:00",
                    "2001-01-07 08:00:00", "2001-01-08 08:00:00", "2001-01-09 08:00:00",
                    "2001-01-10 08:00:00", "2001-01-11 08:00:00", "2001-01-12 08:00:00"}),
       make_column("delay", DType::kInt64,
                   {"0", "20", "5", "30", "1", "40", "2", "50", nullptr, "60", "3", "70"}),
       make_column("distance", DType::kFloat64,
                   {"100", "200", "300", "400", "500", "600", "700", "800", "9000", nullptr, "9000",
                    "9000"}),
       make_column(
           "origin", DType::kString,
           {"BOS", "BOS", "SFO", "SFO", "JFK", "JFK", "ORD", "ORD", "LAX", "LAX", "SEA", "SEA"})});
}

const std::string kDelayed =
    "featurize:\n"
    "  transforms:\n"
    "    - {type: fill_null, columns: [distance], strategy: median}\n"
    "    - {type: log1p, columns: [distance]}\n"
    "  label: {name: delayed, expr: \"delay > 15\"}\n"
    "  drop: [date, origin]\n";

TEST(Featurize, LabelFromExpressionSplitAndFeaturesFittedOnTrainingRowsOnly) {
  const Workflow workflow =
      workflow_from(kDelayed, "{type: time, column: date, holdout_from: \"2001-01-09\"}");
  FeaturizeResult result = featurize(featurize_flights(), workflow.featurize, workflow.train);

  EXPECT_EQ(result.clean_rows, 12u);
  EXPECT_EQ(result.unlabeled_rows, 1u);
  EXPECT_EQ(result.split.train, (std::vector<size_t>{0, 1, 2, 3, 4, 5, 6, 7}));
  EXPECT_EQ(result.split.holdout, (std::vector<size_t>{9, 10, 11}));
  EXPECT_EQ(result.pipeline.feature_names(), (std::vector<std::string>{"distance"}));
  EXPECT_EQ(result.pipeline.label().column, "delayed");
  EXPECT_EQ(result.pipeline.label().sources, (std::vector<std::string>{"delay"}));
  EXPECT_EQ(result.pipeline.label().classes, (std::vector<std::string>{"false", "true"}));
  // The features, the label, then the split train reads back; never the label's source.
  const Table& features = result.features;
  EXPECT_EQ(features.column_names(),
            (std::vector<std::string>{"distance", "delayed", kSplitColumn}));
  EXPECT_EQ(texts(features.column("delayed")),
            (Texts{"false", "true", "false", "true", "false", "true", "false", "true", "null",
                   "true", "false", "true"}));
  EXPECT_EQ(texts(features.column(kSplitColumn)),
            (Texts{"0", "0", "0", "0", "0", "0", "0", "0", "null", "1", "1", "1"}));
  // The missing distance is the median of the training rows (450), not of every row (650).
  EXPECT_DOUBLE_EQ(features.column("distance").numeric_at(9), std::log1p(450.0));
  EXPECT_DOUBLE_EQ(features.column("distance").numeric_at(0), std::log1p(100.0));
}

TEST(Featurize, GroupSplitKeepsEachGroupOnOneSideAndCarriesTheGroups) {
  const Workflow workflow =
      workflow_from(kDelayed, "{type: group, column: origin, holdout: 0.5, stratify: false}");
  FeaturizeResult result = featurize(featurize_flights(), workflow.featurize, workflow.train);

  const Table& features = result.features;
  ASSERT_NE(features.find(kGroupColumn), nullptr);
  const std::vector<uint64_t> groups = groups_from_column(features.column(kGroupColumn));
  const SplitIndices split = split_from_column(features.column(kSplitColumn));
  EXPECT_EQ(split.train, result.split.train);
  EXPECT_EQ(split.holdout, result.split.holdout);
  EXPECT_FALSE(split.train.empty());
  EXPECT_FALSE(split.holdout.empty());
  // Rows 2k and 2k+1 share an origin: the same group, and never on different sides.
  for (size_t row = 0; row + 1 < 12; row += 2) {
    EXPECT_EQ(groups[row], groups[row + 1]) << row;
    if (row == 8) continue;  // row 8 has no label
    const bool first_trains = std::ranges::count(split.train, row) == 1;
    const bool second_trains = std::ranges::count(split.train, row + 1) == 1;
    EXPECT_EQ(first_trains, second_trains) << row;
  }
}

TEST(Featurize, MissingLabelColumnIsAConfigErrorWithASuggestion) {
  const Workflow workflow = workflow_from(
      "featurize:\n  label: {column: delays}\n  drop: [date, origin]\n", "{type: random}");
  try {
    featurize(featurize_flights(), workflow.featurize, workflow.train);
    FAIL() << "no error";
  } catch (const ConfigError& error) {
    EXPECT_EQ(std::string(error.what()),
              "featurize.label.column: no column 'delays' in the ingested table (did you mean "
              "'delay'?)");
  }
}

}  // namespace
}  // namespace mlops

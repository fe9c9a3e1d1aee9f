// batch-predict reads its input with the types the model was trained on (issue 15 items 8-10):
// a value that does not fit is quarantined with its line and column while the other rows are
// scored, a numeric column all null in a batch still scores, the label is not needed, and id
// columns are written exactly as received.

#include <gtest/gtest.h>

#include <sstream>

#include "cli_runner.h"

namespace mlops::testing {
namespace {

namespace fs = std::filesystem;

/// 200 rows: a date id, two numeric features, a yes/no label.
std::string training_csv() {
  std::string text = "day,x,w,outcome\n";
  for (int row = 0; row < 200; ++row) {
    text += "2015-11-" + std::to_string(10 + row % 18) + "," + std::to_string(row % 37) + "." +
            std::to_string(row % 10) + "," + std::to_string(row % 11) + "," +
            (row % 37 > 18 ? "yes" : "no") + "\n";
  }
  return text;
}

class ScoringTypes : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_.write("train.csv", training_csv());
    workflow_ = dir_.write("scoring.yaml", R"(name: scoring-types
ingest:
  source: {type: file, path: ")" + dir_.file("train.csv") +
                                               R"("}
  schema:
    day: timestamp
    outcome: {type: string, values: ["yes", "no"]}
featurize:
  label: {column: outcome}
  drop: [day]
train:
  objective: binary:logistic
  rounds: 5
  split: {type: random, holdout: 0.25}
  params: {max_depth: 2, nthread: 1}
predict:
  id_columns: [day]
)");
    const CliResult trained = mlops("run");
    ASSERT_EQ(trained.exit_code, 0) << trained.err;
  }
  CliResult mlops(const std::string& args) {
    return run_mlops(args + " --workflow " + workflow_ + " --set runs_dir=" + dir_.file("runs"),
                     dir_);
  }
  /// batch-predict of `csv` into out.csv.
  CliResult score(const std::string& csv) {
    dir_.write("in.csv", csv);
    return mlops("batch-predict --input " + dir_.file("in.csv") + " --output " +
                 dir_.file("out.csv"));
  }
  /// The predictions' rows (header excluded).
  std::vector<std::string> output_rows() {
    std::istringstream in(slurp(dir_.file("out.csv")));
    std::vector<std::string> rows;
    std::string line;
    std::getline(in, line);
    while (std::getline(in, line)) rows.push_back(line);
    return rows;
  }
  /// The latest batch-predict run's quarantine file.
  std::string quarantine() {
    for (const auto& entry : fs::recursive_directory_iterator(dir_.file("runs"))) {
      if (entry.path().filename() == "quarantine.jsonl" &&
          entry.path().parent_path().filename() == "predict") {
        const std::string text = slurp(entry.path().string());
        if (!text.empty()) return text;
      }
    }
    return "";
  }
  TempDir dir_;
  std::string workflow_;
};

TEST_F(ScoringTypes, NonNumericValueIsQuarantinedWithItsLineAndTheOtherRowsScore) {
  const CliResult result =
      score("day,x,w,outcome\n2015-11-12,1.5,3,yes\n2015-11-13,abc,4,no\n2015-11-14,2.5,5,no\n");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(output_rows().size(), 2u);
  const std::string bad = quarantine();
  EXPECT_NE(bad.find("\"line\":3"), std::string::npos) << bad;
  EXPECT_NE(bad.find("\"column\":\"x\""), std::string::npos) << bad;
  EXPECT_NE(bad.find("abc"), std::string::npos) << bad;
}

TEST_F(ScoringTypes, NumericColumnAllNullInTheBatchStillScores) {
  const CliResult result = score("day,x,w,outcome\n2015-11-12,,3,yes\n2015-11-13,,4,no\n");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(output_rows().size(), 2u);
}

TEST_F(ScoringTypes, LabelIsNotNeededAndAnUnlistedLabelIsNotQuarantined) {
  const CliResult without = score("day,x,w\n2015-11-12,1.5,3\n2015-11-13,2.5,4\n");
  ASSERT_EQ(without.exit_code, 0) << without.err;
  EXPECT_EQ(output_rows().size(), 2u);
  const CliResult unlisted = score("day,x,w,outcome\n2015-11-12,1.5,3,maybe\n");
  ASSERT_EQ(unlisted.exit_code, 0) << unlisted.err;
  EXPECT_EQ(output_rows().size(), 1u);
}

TEST_F(ScoringTypes, IdColumnsAreWrittenAsReceived) {
  const CliResult result = score("day,x,w,outcome\n2015-11-12,1.5,3,yes\n");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const std::vector<std::string> rows = output_rows();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].rfind("2015-11-12,", 0), 0u) << rows[0];
}

}  // namespace
}  // namespace mlops::testing

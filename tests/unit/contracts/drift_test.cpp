// Distribution checks against a reference profile: each statistic passes on data like the
// reference and fires on shifted data.

#include "mlops/contracts/drift.h"

#include <gtest/gtest.h>

#include <cmath>

#include "mlops/contracts/check.h"
#include "mlops/core/error.h"
#include "support/temp_dir.h"

namespace mlops {
namespace {

/// n rows: x = i % 100 (+ shift), c = a/b/c cycling (d when `new_category`), every tenth x null
/// when `nulls`.
Table sample(size_t n, double shift, bool nulls, bool new_category) {
  Table table;
  Column x("x", DType::kFloat64), c("c", DType::kString);
  const char* categories[] = {"a", "b", "c"};
  for (size_t i = 0; i < n; ++i) {
    if (nulls && i % 10 == 0) {
      x.push_null();
    } else {
      x.push_float(static_cast<double>(i % 100) + shift);
    }
    c.push_string(new_category && i % 2 ? "d" : categories[i % 3]);
  }
  table.add_column(std::move(x));
  table.add_column(std::move(c));
  return table;
}

ContractReport drift(const std::string& yaml, const Table& data, const DriftReference& reference) {
  Contract contract = parse_contract(parse_yaml(yaml, "contract.yaml"), "contract.yaml");
  CheckOptions options;
  options.reference = &reference;
  return check_contract(contract, data, "predict", options);
}

const CheckResult& find(const ContractReport& report, const std::string& check,
                        const std::string& column) {
  for (const auto& result : report.checks) {
    if (result.check == check && result.column == column) return result;
  }
  throw std::runtime_error("no check " + check);
}

const DriftReference kReference = drift_reference_of_table(sample(1000, 0, false, false));

TEST(Drift, SameDistributionPassesEveryStatistic) {
  ContractReport report =
      drift("drift: {psi: 0.1, ks: 0.05, null_rate_change: 0.01, mean_shift: 0.1, std_ratio: 1.1}",
            sample(500, 0, false, false), kReference);
  EXPECT_TRUE(report.passed());
  EXPECT_EQ(report.checks.size(), 7u);  // x: five statistics; c: psi and null rate
  EXPECT_EQ(find(report, "drift_psi", "x").observed, "0.0000");
}

TEST(Drift, ShiftedNumbersFirePsiKsAndMeanShift) {
  ContractReport report = drift("drift: {psi: 0.2, ks: 0.1, mean_shift: 0.5}",
                                sample(1000, 40, false, false), kReference);
  EXPECT_FALSE(report.passed());
  EXPECT_EQ(describe_failure(report, find(report, "drift_ks", "x")),
            "stage predict: check drift_ks on column 'x' failed: expected <= 0.1, observed "
            "0.4000");
  EXPECT_EQ(describe_failure(report, find(report, "mean_shift", "x")),
            "stage predict: check mean_shift on column 'x' failed: expected <= 0.5, observed "
            "1.3857 reference stds (mean 89.5, reference 49.5)");
  EXPECT_FALSE(find(report, "drift_psi", "x").passed);
  EXPECT_TRUE(find(report, "drift_psi", "c").passed);
}

TEST(Drift, NewCategoryFiresPsiOnStrings) {
  ContractReport report = drift("drift: {psi: 0.2}", sample(600, 0, false, true), kReference);
  EXPECT_FALSE(find(report, "drift_psi", "c").passed);
  EXPECT_TRUE(find(report, "drift_psi", "x").passed);
}

TEST(Drift, NullRateChangeAndStdRatio) {
  ContractReport report = drift("drift: {null_rate_change: 0.05, std_ratio: 1.5}",
                                sample(1000, 0, true, false), kReference);
  EXPECT_EQ(describe_failure(report, find(report, "null_rate_change", "x")),
            "stage predict: check null_rate_change on column 'x' failed: expected <= 0.05, "
            "observed 0.1000 (null rate 0.1000, reference 0.0000)");
  EXPECT_TRUE(find(report, "std_ratio", "x").passed);
}

TEST(Drift, WiderSpreadFiresStdRatio) {
  Table wide;
  Column x("x", DType::kFloat64);
  for (size_t i = 0; i < 1000; ++i) x.push_float(49.5 + (static_cast<double>(i % 100) - 49.5) * 3);
  wide.add_column(std::move(x));
  ContractReport report = drift("drift: {std_ratio: 2, mean_shift: 0.1}", wide, kReference);
  EXPECT_EQ(describe_failure(report, find(report, "std_ratio", "x")),
            "stage predict: check std_ratio on column 'x' failed: expected <= 2, observed 3.0000 "
            "(std 86.5982, reference 28.8661)");
  EXPECT_TRUE(find(report, "mean_shift", "x").passed);
}

TEST(Drift, PerColumnThresholdsAndMissingColumns) {
  ContractReport report = drift("drift: {columns: {x: {psi: 100}, y: }, psi: 0.2}",
                                sample(1000, 40, false, false), kReference);
  EXPECT_TRUE(find(report, "drift_psi", "x").passed);  // overridden
  EXPECT_EQ(describe_failure(report, find(report, "drift", "y")),
            "stage predict: check drift on column 'y' failed: expected column profiled and "
            "present, observed not in the reference profile");
}

TEST(Drift, StreamedBatchesGiveTheSameAnswerAsOneTable) {
  Contract contract =
      parse_contract(parse_yaml("drift: {psi: 0.2, ks: 0.1, mean_shift: 0.5}", "c.yaml"), "c.yaml");
  DriftAccumulator whole(*contract.drift, kReference), streamed(*contract.drift, kReference);
  Table data = sample(1000, 25, true, true);
  whole.add(data);
  std::vector<size_t> first(400), second(600);
  for (size_t i = 0; i < 400; ++i) first[i] = i;
  for (size_t i = 0; i < 600; ++i) second[i] = 400 + i;
  streamed.add(data.take(first));
  streamed.add(data.take(second));
  auto a = whole.checks(), b = streamed.checks();
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) EXPECT_EQ(a[i].observed, b[i].observed) << a[i].check;
}

TEST(Drift, ProfileRoundTripsThroughItsFile) {
  testing::TempDir dir;
  save_drift_reference(kReference, dir.file("profile.json"));
  DriftReference loaded = load_drift_reference(dir.file("profile.json"));
  ContractReport a = drift("drift: {psi: 0.2, ks: 0.1}", sample(300, 10, false, false), kReference);
  ContractReport b = drift("drift: {psi: 0.2, ks: 0.1}", sample(300, 10, false, false), loaded);
  ASSERT_EQ(a.checks.size(), b.checks.size());
  for (size_t i = 0; i < a.checks.size(); ++i)
    EXPECT_EQ(a.checks[i].observed, b.checks[i].observed);
  std::string bad = dir.write("bad.json", "{\"rows\": 3}");
  try {
    load_drift_reference(bad);
    FAIL() << "expected DataError";
  } catch (const DataError& e) {
    EXPECT_EQ(std::string(e.what()),
              bad + ": not a profile (expected \"format\": \"mlops.profile/1\")");
  }
}

TEST(Drift, NeedsAThresholdAndAReference) {
  try {
    parse_contract(parse_yaml("drift: {columns: [x]}", "c.yaml"), "c.yaml");
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_STREQ(e.what(),
                 "c.yaml:1:1: key 'drift' needs a threshold: psi, ks, null_rate_change, "
                 "mean_shift or std_ratio");
  }
  Contract contract = parse_contract(parse_yaml("drift: {psi: 0.1}", "c.yaml"), "c.yaml");
  ContractReport report = check_contract(contract, sample(10, 0, false, false), "validate");
  EXPECT_EQ(describe_failure(report, report.checks[0]),
            "stage validate: check drift failed: expected a reference profile, observed none: "
            "set drift.reference (a profile from `mlops contract profile`)");
}

TEST(Drift, FewerRowsThanMinRowsAreNotJudged) {
  // 10 rows shifted far away: too few to tell drift from noise, so one passed check says so.
  ContractReport report =
      drift("drift: {psi: 0.1, ks: 0.05}", sample(10, 40, false, true), kReference);
  EXPECT_TRUE(report.passed());
  ASSERT_EQ(report.checks.size(), 1u);
  EXPECT_EQ(report.checks[0].check, "drift_min_rows");
  EXPECT_EQ(report.checks[0].expected, ">= 200 rows");
  EXPECT_EQ(report.checks[0].observed,
            "10 rows: too few to measure drift (drift.min_rows); not checked");
  // A lower minimum measures them, and the shift fires.
  report = drift("drift: {psi: 0.1, min_rows: 10}", sample(10, 40, false, true), kReference);
  EXPECT_FALSE(report.passed());
  EXPECT_FALSE(find(report, "drift_psi", "x").passed);
  // Batches add up to the minimum.
  Contract contract =
      parse_contract(parse_yaml("drift: {psi: 0.1}", "contract.yaml"), "contract.yaml");
  DriftAccumulator accumulator(*contract.drift, kReference);
  accumulator.add(sample(150, 0, false, false));
  EXPECT_TRUE(accumulator.insufficient_data());
  accumulator.add(sample(50, 0, false, false));
  EXPECT_FALSE(accumulator.insufficient_data());
  EXPECT_EQ(accumulator.rows(), 200u);
}

TEST(Drift, MinRowsMustBeAWholeNonNegativeNumber) {
  try {
    parse_contract(parse_yaml("drift: {psi: 0.1, min_rows: -1}", "contract.yaml"), "contract.yaml");
    ADD_FAILURE() << "no ConfigError";
  } catch (const ConfigError& error) {
    const std::string message = error.what();
    EXPECT_EQ(message.rfind("contract.yaml:1:", 0), 0u) << message;
    EXPECT_NE(message.find(": key 'drift.min_rows': must not be negative"), std::string::npos)
        << message;
  }
  EXPECT_THROW(parse_contract(parse_yaml("drift: {psi: 0.1, min_rows: many}", "contract.yaml"),
                              "contract.yaml"),
               ConfigError);
}

}  // namespace
}  // namespace mlops

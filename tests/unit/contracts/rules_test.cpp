// The column and table checks added to the contract language: a passing and a failing case
// each, with the exact message `describe_failure` prints.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>

#include "mlops/contracts/check.h"
#include "mlops/core/error.h"
#include "mlops/core/time.h"

namespace mlops {
namespace {

/// date, temp_min, temp_max, weather, station: five days with a few problems.
Table weather() {
  Table table;
  Column date("date", DType::kTimestamp), low("temp_min", DType::kFloat64),
      high("temp_max", DType::kFloat64), kind("weather", DType::kString),
      station("station", DType::kString);
  const char* dates[] = {"2012-01-01", "2012-01-02", "2012-01-02", "2012-01-04", "2012-01-05"};
  const double lows[] = {5, 2.8, 7.2, 10, -1};
  const double highs[] = {12.8, 10.6, 11.7, 8, 3};
  const char* kinds[] = {"drizzle", "rain", "rain", "sun", "snöw"};
  const char* stations[] = {"SEA1", "SEA1", "SEA2", "sea3", "SEA1"};
  for (int i = 0; i < 5; ++i) {
    date.push_int(*parse_timestamp(dates[i]));
    low.push_float(lows[i]);
    high.push_float(highs[i]);
    kind.push_string(kinds[i]);
    station.push_string(stations[i]);
  }
  for (Column* c : {&date, &low, &high, &kind, &station}) table.add_column(std::move(*c));
  return table;
}

Contract rules_contract_from(const std::string& yaml) {
  return parse_contract(parse_yaml(yaml, "contract.yaml"), "contract.yaml");
}

ContractReport check(const std::string& yaml, const CheckOptions& options = {}) {
  return check_contract(rules_contract_from(yaml), weather(), "validate", options);
}

/// The one failure of the report, described; "" when every check passed.
std::string failure(const ContractReport& report) {
  std::string out;
  for (const auto& result : report.checks) {
    if (result.passed) continue;
    if (!out.empty()) out += '\n';
    out.append(describe_failure(report, result));
  }
  return out;
}

std::string config_error(const std::string& yaml) {
  try {
    rules_contract_from(yaml);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "no error";
}

TEST(ContractRules, Pattern) {
  EXPECT_EQ(failure(check("columns: {station: {pattern: \"[A-Z]{3}[0-9]\"}}")),
            "stage validate: check pattern on column 'station' failed: expected matches "
            "[A-Z]{3}[0-9], observed 1 values not matching (rows 3: sea3)");
  EXPECT_EQ(failure(check("columns: {station: {pattern: \"[A-Za-z]{3}[0-9]\"}}")), "");
  EXPECT_EQ(config_error("columns: {station: {pattern: \"[A-Z\"}}"),
            "contract.yaml:1:21: key 'columns.station.pattern': bad regular expression '[A-Z': "
            "Unexpected character within '[...]' in regular expression");
}

TEST(ContractRules, Unique) {
  EXPECT_EQ(failure(check("columns: {date: {unique: true}}")),
            "stage validate: check unique on column 'date' failed: expected no duplicate values, "
            "observed 1 duplicates (rows 2: 2012-01-02 00:00:00)");
  EXPECT_EQ(failure(check("columns: {temp_min: {unique: true}}")), "");
}

TEST(ContractRules, StringLengthCountsCharacters) {
  EXPECT_EQ(failure(check("columns: {weather: {min_length: 4, max_length: 4}}")),
            "stage validate: check min_length on column 'weather' failed: expected >= 4 "
            "characters, observed 1 values shorter (rows 3: sun)\n"
            "stage validate: check max_length on column 'weather' failed: expected <= 4 "
            "characters, observed 1 values longer (rows 0: drizzle)");
  // "snöw" is four characters in five bytes.
  EXPECT_EQ(failure(check("columns: {weather: {min_length: 3, max_length: 7}}")), "");
}

TEST(ContractRules, MeanAndStdBounds) {
  EXPECT_EQ(failure(check("columns: {temp_max: {mean: {min: 10}, std: {max: 2}}}")),
            "stage validate: check mean on column 'temp_max' failed: expected >= 10, observed "
            "9.22\n"
            "stage validate: check std on column 'temp_max' failed: expected <= 2, observed "
            "3.49422");
  EXPECT_EQ(failure(check("columns: {temp_max: {mean: {min: 9, max: 10}, std: {min: 3}}}")), "");
}

TEST(ContractRules, RequiredAndForbiddenColumns) {
  EXPECT_EQ(failure(check("required: [date, wind]\nforbidden: [weather, delay]")),
            "stage validate: check required_column on column 'wind' failed: expected present, "
            "observed missing\n"
            "stage validate: check forbidden_column on column 'weather' failed: expected absent, "
            "observed present");
  EXPECT_EQ(failure(check("required: [date]\nforbidden: [delay]")), "");
}

TEST(ContractRules, ColumnOrder) {
  EXPECT_EQ(failure(check("ordered: true\ncolumns: {temp_max: , temp_min: }")),
            "stage validate: check column_order failed: expected [temp_max, temp_min], observed "
            "[temp_min, temp_max]");
  EXPECT_EQ(failure(check("ordered: true\ncolumns: {date: , temp_max: , station: }")), "");
}

TEST(ContractRules, Shape) {
  EXPECT_EQ(failure(check("shape: {rows: 4, columns: 6}")),
            "stage validate: check row_count failed: expected == 4, observed 5\n"
            "stage validate: check column_count failed: expected == 6, observed 5");
  EXPECT_EQ(failure(check("shape: {rows: 5, columns: 5}")), "");
}

TEST(ContractRules, PrimaryKeyIsAUniqueCombination) {
  EXPECT_EQ(failure(check("primary_key: [date]")),
            "stage validate: check primary_key on column 'date' failed: expected unique "
            "combination, observed 1 duplicate rows (rows 2: 2012-01-02 00:00:00)");
  EXPECT_EQ(failure(check("primary_key: [date, station]")), "");
  ContractReport warned = check("primary_key: {columns: [date, weather], severity: warn}");
  EXPECT_TRUE(warned.passed());
  EXPECT_EQ(warned.failed_count(Severity::kWarn), 1u);
  EXPECT_EQ(describe_failure(warned, warned.checks.back()),
            "stage validate: check primary_key on column 'date, weather' failed: expected unique "
            "combination, observed 1 duplicate rows (rows 2: (2012-01-02 00:00:00, rain))");
}

TEST(ContractRules, Freshness) {
  CheckOptions options;
  options.now_micros = *parse_timestamp("2012-01-06 12:00:00");
  EXPECT_EQ(failure(check("freshness: {column: date, max_age: 1d}", options)),
            "stage validate: check freshness on column 'date' failed: expected newest within 1d, "
            "observed newest 2012-01-05 00:00:00 (36.0 hours old)");
  EXPECT_EQ(failure(check("freshness: {column: date, max_age: 2d}", options)), "");
  EXPECT_EQ(config_error("freshness: {column: date, max_age: soon}"),
            "contract.yaml:1:27: key 'freshness.max_age': 'soon' is not a duration such as 30m, "
            "12h, 2d");
}

TEST(ContractRules, CrossColumnExpression) {
  EXPECT_EQ(failure(check("expressions: [\"temp_min <= temp_max\"]")),
            "stage validate: check expression failed: expected temp_min <= temp_max, observed 1 "
            "rows fail (rows 3: temp_min=10 temp_max=8)");
  EXPECT_EQ(failure(check("expressions: [{expr: \"temp_max - temp_min < 20\", name: spread}]")),
            "");
  EXPECT_EQ(failure(check("expressions: [\"temp_min <= tmp_max\"]")),
            "stage validate: check expression failed: expected temp_min <= tmp_max, observed "
            "contract.yaml:1:15: key 'expressions[0]': expression 'temp_min <= tmp_max': no "
            "column 'tmp_max' (did you mean 'temp_max'?)");
  EXPECT_EQ(config_error("expressions: [\"temp_min <=\"]"),
            "contract.yaml:1:15: key 'expressions[0]': expression 'temp_min <=': expected a "
            "value, got end of expression at character 12");
}

TEST(ContractRules, TopLevelSeverityIsEveryCheckDefault) {
  ContractReport report =
      check("severity: warn\nshape: {rows: 4}\ncolumns: {date: {unique: true}}");
  EXPECT_TRUE(report.passed());
  EXPECT_EQ(report.failed_count(Severity::kWarn), 2u);
  ContractReport mixed =
      check("severity: warn\nshape: {rows: 4}\ncolumns: {date: {unique: true, severity: error}}");
  EXPECT_FALSE(mixed.passed());
}

TEST(ContractRules, QuarantinePolicySetsViolatingRowsAsideAndPasses) {
  ContractReport report = check(
      "policy: quarantine\ncolumns: {station: {pattern: \"[A-Z]{3}[0-9]\"}, temp_min: {max: 7}}\n"
      "expressions: [\"temp_min <= temp_max\"]");
  EXPECT_TRUE(report.passed());
  EXPECT_EQ(report.quarantined_rows, (std::vector<size_t>{2, 3}));
  EXPECT_EQ(report.quarantine_reasons,
            (std::vector<std::string>{
                "check max on column 'temp_min': 7.2 (expected <= 7)",
                "check pattern on column 'station': sea3 (expected matches [A-Z]{3}[0-9])"}));
  for (const auto& result : report.checks) {
    if (result.check == "max") {
      EXPECT_EQ(result.observed, "2 values above, 2 rows quarantined");
      EXPECT_EQ(result.quarantined, 2u);
    }
  }
  Table kept = without_rows(weather(), report.quarantined_rows);
  EXPECT_EQ(kept.num_rows(), 3u);
  EXPECT_EQ(config_error("policy: drop"),
            "contract.yaml:1:1: key 'policy': expected fail or quarantine, got 'drop'");
}

TEST(ContractRules, UnknownTableKeySuggestsTheClosest) {
  EXPECT_EQ(config_error("forbiden: [x]"),
            "contract.yaml:1:1: unknown contract key 'forbiden' (did you mean 'forbidden'?)");
}

}  // namespace
}  // namespace mlops

namespace mlops {
namespace {

/// failing_rows of the `check` on column `x` of `table` under `yaml` (a columns: x: {...} map).
size_t failing(const Table& table, const std::string& rule, const std::string& check) {
  const ContractReport report =
      check_contract(rules_contract_from("columns:\n  x: " + rule + "\n"), table, "validate");
  for (const auto& result : report.checks) {
    if (result.check == check) return result.failing_rows;
  }
  ADD_FAILURE() << "no " << check << " check";
  return 0;
}

// Range checks first scan the raw values for "no row can fail"; the row-by-row check decides
// otherwise. Both must agree at the bounds, for integers, floats and timestamps, with nulls
// whose slots hold values outside the range.
TEST(RangeChecks, AgreeWithTheRowByRowComparisonAtTheBounds) {
  Table ints;
  Column x("x", DType::kInt64);
  x.push_null();  // its slot holds a value below every bound used here
  for (int64_t v : {5, 10, -3}) x.push_int(v);
  ints.add_column(std::move(x));
  EXPECT_EQ(failing(ints, "{min: -3}", "min"), 0u);
  EXPECT_EQ(failing(ints, "{min: -2.5}", "min"), 1u);
  EXPECT_EQ(failing(ints, "{min: -3.5}", "min"), 0u);
  EXPECT_EQ(failing(ints, "{max: 10}", "max"), 0u);
  EXPECT_EQ(failing(ints, "{max: 9.5}", "max"), 1u);
  EXPECT_EQ(failing(ints, "{max: 4.99}", "max"), 2u);
  EXPECT_EQ(failing(ints, "{min: -1e300}", "min"), 0u);  // beyond the exact range: row by row
  EXPECT_EQ(failing(ints, "{max: 1e300}", "max"), 0u);
  EXPECT_EQ(failing(ints, "{min: 1e300}", "min"), 3u);

  Table floats;
  Column f("x", DType::kFloat64);
  f.push_null();
  for (double v : {0.5, std::nan(""), 2.25}) f.push_float(v);
  floats.add_column(std::move(f));
  EXPECT_EQ(failing(floats, "{min: 0.5, max: 2.25}", "min"), 0u);
  EXPECT_EQ(failing(floats, "{min: 0.5, max: 2.25}", "max"), 0u);
  EXPECT_EQ(failing(floats, "{min: 0.6}", "min"), 1u);
  EXPECT_EQ(failing(floats, "{max: 2.2}", "max"), 1u);

  Table times;
  Column t("x", DType::kTimestamp);
  t.push_int(*parse_timestamp("2012-01-02"));
  times.add_column(std::move(t));
  const auto micros = static_cast<double>(*parse_timestamp("2012-01-02"));
  EXPECT_EQ(failing(times, fmt::format("{{min: {}}}", micros), "min"), 0u);
  EXPECT_EQ(failing(times, fmt::format("{{min: {}}}", micros + 1), "min"), 1u);
}

}  // namespace
}  // namespace mlops

// `mlops validate --contract FILE DATA...` and `mlops contract infer|profile` on real files
// (tests/fixtures: Seattle weather, two months of flights), with contracts that pass and fail.

#include <gtest/gtest.h>

#include "cli_runner.h"

namespace mlops::testing {
namespace {

const std::string kWeather = " tests/fixtures/seattle-weather.csv";
const std::string kJanuary = " tests/fixtures/flights-2001-01.csv";
const std::string kJune = " tests/fixtures/flights-2001-06.csv";

const nlohmann::json* find_check(const nlohmann::json& report, const std::string& check,
                                 const std::string& column = "") {
  for (const auto& entry : report["checks"]) {
    if (entry["check"] == check && (column.empty() || entry["column"] == column)) return &entry;
  }
  return nullptr;
}

TEST(ContractsValidate, EveryKindOfCheckPassesOnGoodData) {
  TempDir dir;
  std::string contract = dir.write("weather.yaml", R"(
rows: {min: 1000, max: 2000}
shape: {columns: 6}
required: [wind]
forbidden: [label]
ordered: true
primary_key: [date]
columns:
  date: {dtype: timestamp, nullable: false, unique: true}
  precipitation: {dtype: float64, min: 0, mean: {max: 5}, std: {min: 1}}
  temp_max: {dtype: float64, min: -30, max: 45}
  temp_min: {dtype: float64, min: -30, max: 45, max_null_fraction: 0}
  weather: {values: [drizzle, rain, sun, snow, fog], pattern: "[a-z]+", min_length: 3, max_length: 7}
expressions:
  - "temp_min <= temp_max"
  - {expr: "precipitation == 0 or weather != 'sun'", name: dry sun, severity: warn}
)");
  CliResult result = run_mlops("validate --contract " + contract + kWeather, dir);
  EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
  EXPECT_NE(result.out.find("seattle-weather.csv: ok (1461 rows, 31 checks, 0 failed, 0 warnings)"),
            std::string::npos)
      << result.out;
}

TEST(ContractsValidate, FailuresExitThreeWithObservedValuesAndFiveExampleRows) {
  TempDir dir;
  std::string contract = dir.write("strict.yaml", R"(
columns:
  weather: {values: [rain, sun]}
  wind: {max: 5}
primary_key: [weather]
expressions: ["temp_max - temp_min < 10"]
freshness: {column: date, max_age: 30d}
)");
  CliResult text = run_mlops("validate --contract " + contract + kWeather, dir);
  EXPECT_EQ(text.exit_code, 3);
  EXPECT_NE(
      text.out.find("seattle-weather.csv: FAILED (1461 rows, 7 checks, 5 failed, 0 warnings)"),
      std::string::npos)
      << text.out;
  EXPECT_NE(text.out.find("check expression failed: expected temp_max - temp_min < 10, observed "
                          "451 rows fail (rows 33, 34, 35, 36, 66: temp_max=14.4 temp_min=2.2, "
                          "temp_max=15.6 temp_min=5, "),
            std::string::npos)
      << text.out;
  EXPECT_NE(text.err.find("contract error"), std::string::npos) << text.err;

  CliResult json = run_mlops("validate --format json --contract " + contract + kWeather, dir);
  EXPECT_EQ(json.exit_code, 3);
  nlohmann::json reports = nlohmann::json::parse(json.out);
  ASSERT_EQ(reports.size(), 1u);
  const nlohmann::json& report = reports[0];
  EXPECT_FALSE(report["passed"].get<bool>());
  const nlohmann::json* values = find_check(report, "allowed_values", "weather");
  ASSERT_NE(values, nullptr);
  EXPECT_EQ((*values)["observed"], "180 values outside");
  EXPECT_EQ((*values)["failing_rows"], 180);
  EXPECT_EQ((*values)["example_rows"].size(), 5u);
  EXPECT_EQ((*values)["example_values"][0], "drizzle");
  const nlohmann::json* key = find_check(report, "primary_key");
  ASSERT_NE(key, nullptr);
  EXPECT_EQ((*key)["observed"], "1456 duplicate rows");
  const nlohmann::json* fresh = find_check(report, "freshness", "date");
  ASSERT_NE(fresh, nullptr);
  EXPECT_FALSE((*fresh)["passed"].get<bool>());
  EXPECT_EQ((*fresh)["observed"].get<std::string>().rfind("newest 2015-12-31 00:00:00 (", 0), 0u);
  for (const auto& check : report["checks"]) EXPECT_LE(check["example_rows"].size(), 5u);
}

TEST(ContractsValidate, QuarantinePolicyPassesAndCountsTheRowsSetAside) {
  TempDir dir;
  std::string contract = dir.write("quarantine.yaml",
                                   "policy: quarantine\ncolumns:\n  wind: {max: 7}\n"
                                   "expressions: [\"temp_min <= temp_max\"]\n");
  CliResult result = run_mlops("validate --contract " + contract + kWeather, dir);
  EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
  EXPECT_NE(result.out.find("seattle-weather.csv: ok (1461 rows, 3 checks, 0 failed, 0 warnings, "
                            "24 rows quarantined)"),
            std::string::npos)
      << result.out;
}

TEST(ContractsValidate, SeveralFilesAndWarnings) {
  TempDir dir;
  std::string contract = dir.write("flights.yaml", R"(
columns:
  date: {dtype: timestamp, nullable: false}
  delay: {dtype: int64, nullable: false, min: -1440, max: 2880}
  distance: {dtype: int64, min: 1, max: 6000}
  origin: {dtype: string, pattern: "[A-Z]{3}"}
  destination: {dtype: string, min_length: 3, max_length: 3}
expressions:
  - {expr: "origin != destination", severity: error}
  - {expr: "delay < 120", severity: warn}
)");
  CliResult result = run_mlops("validate --contract " + contract + kJanuary + kJune, dir);
  EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
  EXPECT_NE(result.out.find("flights-2001-01.csv: ok (3008 rows, 21 checks, 0 failed, 1 warnings)"),
            std::string::npos)
      << result.out;
  EXPECT_NE(result.out.find("flights-2001-06.csv: ok (3008 rows"), std::string::npos) << result.out;
}

TEST(ContractsValidate, InferredContractValidatesItsOwnData) {
  TempDir dir;
  CliResult infer = run_mlops("contract infer" + kJanuary, dir);
  ASSERT_EQ(infer.exit_code, 0) << infer.err;
  EXPECT_NE(infer.out.find("  date: {dtype: timestamp, nullable: false}\n"), std::string::npos)
      << infer.out;
  EXPECT_NE(infer.out.find("  delay: {dtype: int64, nullable: false, min: "), std::string::npos)
      << infer.out;
  std::string contract = dir.write("draft.yaml", infer.out);
  CliResult check = run_mlops("validate --contract " + contract + kJanuary, dir);
  EXPECT_EQ(check.exit_code, 0) << check.out << check.err;
  // June has other delays and airports: the draft (January's ranges) catches them.
  CliResult june = run_mlops("validate --contract " + contract + kJune, dir);
  EXPECT_EQ(june.exit_code, 3) << june.out;
}

TEST(ContractsValidate, DriftAgainstAReferenceFileOrProfile) {
  TempDir dir;
  CliResult profile = run_mlops("contract profile" + kJanuary, dir);
  ASSERT_EQ(profile.exit_code, 0) << profile.err;
  EXPECT_EQ(nlohmann::json::parse(profile.out)["format"], "mlops.profile/1");
  std::string profile_path = dir.write("january.json", profile.out);
  for (const std::string& reference :
       {profile_path, std::string(MLOPS_SOURCE_DIR "/") + kJanuary.substr(1)}) {
    std::string contract =
        dir.write("drift.yaml", "drift:\n  reference: " + reference +
                                    "\n  columns: [delay, origin]\n  psi: 0.01\n  ks: 0.5\n");
    CliResult result = run_mlops("validate --format json --contract " + contract + kJune, dir);
    EXPECT_EQ(result.exit_code, 3) << result.out << result.err;
    nlohmann::json report = nlohmann::json::parse(result.out)[0];
    const nlohmann::json* psi = find_check(report, "drift_psi", "origin");
    ASSERT_NE(psi, nullptr);
    EXPECT_FALSE((*psi)["passed"].get<bool>());
    EXPECT_EQ((*psi)["expected"], "<= 0.01");
    EXPECT_TRUE(find_check(report, "drift_ks", "delay")->at("passed").get<bool>());
  }
}

TEST(ContractsValidate, IngestQuarantinePolicyMovesViolatingRowsToTheQuarantine) {
  TempDir dir;
  const std::string workflow = R"(name: weather
ingest:
  source: {type: file, path: ")" MLOPS_SOURCE_DIR R"(/tests/fixtures/seattle-weather.csv"}
featurize: {label: {column: weather}}
train: {objective: multi:softprob}
contracts:
  ingest:
    policy: quarantine
    columns: {wind: {max: 7}}
    expressions: ["temp_min <= temp_max"]
  featurize: {policy: quarantine, columns: {wind: {max: 7}}}
)";
  const std::string args =
      " --workflow " + dir.write("weather.yaml", workflow) + " --set runs_dir=" + dir.file("runs");
  CliResult ingest = run_mlops("ingest" + args, dir);
  ASSERT_EQ(ingest.exit_code, 0) << ingest.err;
  std::filesystem::path root = only_run(dir.file("runs"));
  EXPECT_EQ(count_lines(slurp(root / "ingest" / "clean.csv")), 1461u - 24u + 1u);
  const std::string quarantine = slurp(root / "ingest" / "quarantine.jsonl");
  EXPECT_EQ(count_lines(quarantine), 24u);
  nlohmann::json first = nlohmann::json::parse(quarantine.substr(0, quarantine.find('\n')));
  EXPECT_EQ(first["source"], "contract contracts.ingest");
  EXPECT_EQ(first["reason"].get<std::string>().rfind("check max on column 'wind': ", 0), 0u);
  nlohmann::json manifest = read_json(root / "manifest.json");
  EXPECT_EQ(manifest["stages"]["ingest"]["rows"], 1437);
  // Other stages keep one row per input row: quarantine there is a config error.
  CliResult featurize = run_mlops("featurize" + args, dir);
  EXPECT_EQ(featurize.exit_code, 2);
  EXPECT_NE(featurize.err.find("contract 'contracts.featurize': policy quarantine applies to "
                               "contracts.ingest"),
            std::string::npos)
      << featurize.err;
}

TEST(ContractsValidate, BadContractIsAConfigErrorNamingFileAndLine) {
  TempDir dir;
  std::string contract = dir.write("bad.yaml", "columns:\n  wind: {max: 5, maxx: 3}\n");
  CliResult result = run_mlops("validate --contract " + contract + kWeather, dir);
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find(contract + ":2:18: unknown contract key 'columns.wind.maxx' (did you "
                                       "mean 'max'?)"),
            std::string::npos)
      << result.err;
}

// Both were internal errors (exit 1) before the fuzz harnesses found them (issue 15, item 3).
TEST(ContractsValidate, JsonNumberBeyondDoubleRangeIsBadDataNamingItsPosition) {
  TempDir dir;
  std::string contract = dir.write("c.yaml", "columns:\n  a: {dtype: float64}\n");
  std::string data = dir.write("big.json", "[{\"a\": 1},\n {\"a\": 1e999}]\n");
  CliResult result = run_mlops("validate --contract " + contract + " " + data, dir);
  EXPECT_EQ(result.exit_code, 4);
  EXPECT_NE(result.err.find(data + ": invalid JSON at line 2, column 8: number overflow parsing "
                                   "'1e999'"),
            std::string::npos)
      << result.err;
}

TEST(ContractsValidate, ContractWithInvalidUtf8IsAConfigErrorNamingTheByte) {
  TempDir dir;
  std::string contract = dir.write(
      "latin1.yaml", std::string("columns:\n  city: {values: [Montr") + '\xE9' + "al]}\n");
  CliResult result = run_mlops("validate --contract " + contract + kWeather, dir);
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find(contract + ":2:24: invalid UTF-8 byte 0xE9 (the file must be UTF-8)"),
            std::string::npos)
      << result.err;
}

// One non-numeric value in a column the contract declares numeric is a contract failure (exit
// 3) naming the column and the value, also in the expression that reads the column, never a
// config error blaming the expression.
TEST(ContractsValidate, TextInANumericColumnFailsTheContractNamingColumnAndValue) {
  TempDir dir;
  std::string contract = dir.write("weather.yaml", R"(
columns:
  temp_max: {dtype: float64, min: -30, max: 45}
  temp_min: {dtype: float64}
expressions: ["temp_min <= temp_max"]
)");
  std::string data = slurp(std::string(MLOPS_SOURCE_DIR) + "/tests/fixtures/seattle-weather.csv");
  const std::string good = "2012-01-02,10.9,10.6,2.8,4.5,rain\n";
  ASSERT_NE(data.find(good), std::string::npos);
  data.replace(data.find(good), good.size(), "2012-01-02,10.9,abc,2.8,4.5,rain\n");
  const std::string file = dir.write("weather.csv", data);
  CliResult result = run_mlops("validate --contract " + contract + " " + file, dir);
  EXPECT_EQ(result.exit_code, 3) << result.out << result.err;
  EXPECT_EQ(result.err.find("config error"), std::string::npos) << result.err;
  EXPECT_NE(result.out.find("temp_max"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("(rows 1: abc)"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("column 'temp_max' is string, not numeric (rows 1: temp_max=abc)"),
            std::string::npos)
      << result.out;
}

}  // namespace
}  // namespace mlops::testing

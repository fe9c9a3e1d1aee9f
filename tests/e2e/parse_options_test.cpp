// Parsing options end to end (issue 15 item 13): a `;`-delimited file quoted with `'`, dates
// in a declared layout ("%b %d %Y"), an integer year as the time-split column; a date that does
// not match goes to quarantine with its line, column, value and format; a bad option is a
// config error naming the file, line and key (exit 2).

#include <gtest/gtest.h>

#include "cli_runner.h"

namespace mlops::testing {
namespace {

namespace fs = std::filesystem;

constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

/// 260 cars over model years 1970..1982 (20 a year), `;`-delimited, the name quoted with `'`
/// because it holds the delimiter; line 5 holds an ISO date the declared layout refuses.
std::string cars_text(int rows) {
  std::string text = "id;name;built;model_year;weight;mpg\n";
  for (int i = 0; i < rows; ++i) {
    const int year = 1970 + i % 13;
    const int weight = 1800 + (i * 37) % 2600;
    const std::string built = i == 3 ? "1975-03-05"
                                     : std::string(kMonths[i % 12]) + " " +
                                           std::to_string(1 + i % 28) + " " + std::to_string(year);
    text += std::to_string(i) + ";'car " + std::to_string(i) + "; mk ''" + std::to_string(i % 3) +
            "'''" + ";" + built + ";" + std::to_string(year) + ";" + std::to_string(weight) + ";" +
            std::to_string(50.0 - weight / 100.0 + (year - 1970) * 0.5) + "\n";
  }
  return text;
}

std::string workflow_text(const std::string& data, const std::string& predict_input) {
  return "name: semicolon-cars\ningest:\n  source: {path: \"" + data +
         "\", delimiter: \";\", quote: \"'\"}" + R"(
  schema:
    id: int64
    name: string
    built: {type: timestamp, format: "%b %d %Y"}
    model_year: int64
    weight: float64
    mpg: float64
featurize:
  transforms:
    - {type: datetime_parts, column: built, parts: [month]}
  label: {column: mpg}
  drop: [id, name]
train:
  objective: reg:squarederror
  rounds: 20
  split: {type: time, column: model_year, holdout_from: 1980}
  params: {max_depth: 3, nthread: 1}
predict:
  id_columns: [id]
  input: ")" +
         predict_input + "\"\n";
}

class ParseOptions : public ::testing::Test {
 protected:
  std::string runs() const { return dir_.file("runs"); }
  TempDir dir_;
};

TEST_F(ParseOptions, SemicolonFileWithNamedMonthDatesTrainsOnAYearSplit) {
  const std::string data = dir_.write("cars.csv", cars_text(260));
  const std::string score = dir_.write("score.csv", cars_text(12));
  const std::string workflow = dir_.write("cars.yaml", workflow_text(data, score));
  CliResult result = run_mlops("run --workflow " + workflow + " --set runs_dir=" + runs(), dir_);
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const fs::path run = only_run(runs());
  const nlohmann::json manifest = read_json(run / "manifest.json");
  EXPECT_EQ(manifest["stages"]["ingest"]["rows"], 259);

  // The date that is not in the declared layout: quarantined with where and why.
  const std::string quarantine = slurp(run / "ingest" / "quarantine.jsonl");
  ASSERT_EQ(count_lines(quarantine), 1u) << quarantine;
  const nlohmann::json bad = nlohmann::json::parse(quarantine);
  EXPECT_EQ(bad["line"], 5);
  EXPECT_EQ(bad["column"], "built");
  EXPECT_EQ(bad["value"], "1975-03-05");
  EXPECT_EQ(bad["reason"], "cannot parse '1975-03-05' as timestamp with format '%b %d %Y'");

  // Quoted names keep the delimiter and the doubled quote; dates are real timestamps.
  const std::string clean = slurp(run / "ingest" / "clean.csv");
  EXPECT_NE(clean.find("car 0; mk '0'"), std::string::npos) << clean.substr(0, 300);
  EXPECT_NE(clean.find("1970-01-01 00:00:00"), std::string::npos) << clean.substr(0, 300);

  // Model years 1980..1982 are the holdout: 3 of 13 years, 20 cars each.
  const std::string features = slurp(run / "featurize" / "features.csv");
  size_t holdout = 0;
  for (size_t at = features.find(",1\n"); at != std::string::npos;
       at = features.find(",1\n", at + 1)) {
    ++holdout;
  }
  EXPECT_EQ(holdout, 60u);

  // Scoring reads its input with the same delimiter, quote and layout; the bad date row of the
  // scored file goes to the predict quarantine, the others are scored.
  const std::string predictions = slurp(run / "predict" / "predictions.csv");
  EXPECT_EQ(count_lines(predictions), 12u);  // header + 11
  const std::string scored_bad = slurp(run / "predict" / "quarantine.jsonl");
  EXPECT_NE(scored_bad.find("with format '%b %d %Y'"), std::string::npos) << scored_bad;
}

TEST_F(ParseOptions, BadOptionIsAConfigErrorNamingTheKey) {
  const std::string data = dir_.write("cars.csv", cars_text(20));
  const std::string bad = dir_.write(
      "bad.yaml", "name: b\ningest:\n  source: {path: \"" + data + "\", delimiter: \"ab\"}\n");
  CliResult result = run_mlops("ingest --workflow " + bad + " --set runs_dir=" + runs(), dir_);
  EXPECT_EQ(result.exit_code, 2) << result.err;
  EXPECT_NE(result.err.find("bad.yaml:3:"), std::string::npos) << result.err;
  EXPECT_NE(
      result.err.find("key 'ingest.source.delimiter': must be exactly one character, got 'ab'"),
      std::string::npos)
      << result.err;

  const std::string quote =
      dir_.write("quote.yaml", "name: q\ningest:\n  source: {path: \"" + data +
                                   "\", quote: \";\", delimiter: \";\"}\n");
  result = run_mlops("ingest --workflow " + quote + " --set runs_dir=" + runs(), dir_);
  EXPECT_EQ(result.exit_code, 2) << result.err;
  EXPECT_NE(result.err.find("quote.yaml:3:"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("key 'ingest.source.quote': must differ from the field delimiter ';'"),
            std::string::npos)
      << result.err;

  const std::string format = dir_.write(
      "format.yaml", "name: f\ningest:\n  source: {path: \"" + data +
                         "\"}\n  schema:\n    built: {type: timestamp, format: \"%b %q %Y\"}\n");
  result = run_mlops("ingest --workflow " + format + " --set runs_dir=" + runs(), dir_);
  EXPECT_EQ(result.exit_code, 2) << result.err;
  EXPECT_NE(result.err.find("format.yaml:5:"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("key 'ingest.schema.built.format': '%b %q %Y' unknown directive '%q'"),
            std::string::npos)
      << result.err;
}

TEST_F(ParseOptions, InvalidUtf8InASemicolonFileNamesItsColumn) {
  const std::string data = dir_.write("cities.csv",
                                      "id;country;city\n1;FR;Paris\n2;CA;Montr\xe9"
                                      "al\n3;FR;Lyon\n");
  const std::string workflow =
      dir_.write("cities.yaml",
                 "name: cities\ningest:\n  source: {path: \"" + data + "\", delimiter: \";\"}\n");
  CliResult result = run_mlops("ingest --workflow " + workflow + " --set runs_dir=" + runs(), dir_);
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const std::string quarantine = slurp(only_run(runs()) / "ingest" / "quarantine.jsonl");
  EXPECT_NE(quarantine.find("\"column\":\"city\""), std::string::npos) << quarantine;
  EXPECT_NE(quarantine.find("(line 3, column 3)"), std::string::npos) << quarantine;
}

}  // namespace
}  // namespace mlops::testing

// The same row gets the same number online and in batch: every demo workflow is run (ingest ..
// batch-predict) by the built binary, then its scored rows are posted to `mlops serve` as raw
// rows and each answer is compared with predictions.csv, digit for digit.

#include <gtest/gtest.h>

#include <cmath>

#include "cli_runner.h"
#include "serve_process.h"

namespace mlops {
namespace {

using json = nlohmann::json;
using testing::ServeProcess;
using testing::TempDir;

// A CSV file's rows as fields (RFC 4180 quotes), header first.
std::vector<std::vector<std::string>> read_csv(const std::string& text) {
  std::vector<std::vector<std::string>> rows(1);
  std::string field;
  bool quoted = false, any = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      rows.back().push_back(std::move(field));
      field.clear();
    } else if (c == '\n') {
      rows.back().push_back(std::move(field));
      field.clear();
      rows.emplace_back();
    } else if (c != '\r') {
      field += c;
    }
    any = true;
  }
  if (!field.empty()) rows.back().push_back(field);
  if (rows.back().empty()) rows.pop_back();
  (void)any;
  return rows;
}

std::filesystem::path only_run_with(const std::string& runs, const std::string& file) {
  for (const auto& entry : std::filesystem::directory_iterator(runs)) {
    if (std::filesystem::exists(entry.path() / file)) return entry.path();
  }
  return {};
}

struct Demo {
  std::string workflow;  // file under workflows/
  std::string name;
  std::string extra;  // --set flags
  std::string input;  // the scored rows, relative to the run
};

void PrintTo(const Demo& demo, std::ostream* out) {
  *out << demo.workflow;
}

class ServeDemo : public ::testing::TestWithParam<Demo> {};

TEST_P(ServeDemo, ServedPredictionsEqualBatchPredictions) {
  const Demo& demo = GetParam();
  TempDir dir;
  const std::string common =
      "--workflow workflows/" + demo.workflow + " --set runs_dir=" + dir.file("runs") + demo.extra;
  const testing::CliResult run = testing::run_mlops("run " + common, dir);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto run_dir = only_run_with(dir.file("runs"), "predict/predictions.csv");
  ASSERT_FALSE(run_dir.empty());
  const auto inputs = read_csv(testing::slurp(run_dir / demo.input));
  const auto predictions = read_csv(testing::slurp(run_dir / "predict/predictions.csv"));
  ASSERT_GT(inputs.size(), 1u);
  ASSERT_EQ(inputs.size(), predictions.size());
  const json meta = testing::read_json(dir.file("models/" + demo.name + "/v1/model_meta.json"));
  std::map<std::string, std::string> types;
  for (const auto& field : meta["input_schema"]) {
    types[field["name"].get<std::string>()] = field["dtype"].get<std::string>();
  }

  ServeProcess server(MLOPS_SOURCE_DIR, common, dir);
  ASSERT_TRUE(server.started()) << server.err();
  const size_t rows = std::min<size_t>(inputs.size() - 1, 300);
  json body{{"rows", json::array()}};
  const auto& header = inputs[0];
  for (size_t r = 1; r <= rows; ++r) {
    json row = json::object();
    for (size_t c = 0; c < header.size(); ++c) {
      const std::string& text = inputs[r][c];
      // Every scored column is typed by the model's recorded input schema (for a
      // point-in-time join: the entity columns and VIEW__FEATURE, as train recorded them).
      const auto known = types.find(header[c]);
      ASSERT_NE(known, types.end()) << header[c] << " is not in model_meta.json's input_schema";
      const std::string& type = known->second;
      if (text.empty()) {
        row[header[c]] = nullptr;
      } else if (type == "int64") {
        row[header[c]] = std::stoll(text);
      } else if (type == "float64") {
        row[header[c]] = std::stod(text);
      } else if (type == "bool") {
        row[header[c]] = text == "true";
      } else {
        row[header[c]] = text;
      }
    }
    body["rows"].push_back(std::move(row));
  }
  const auto res = server.predict(demo.name, body.dump());
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  const json served = json::parse(res->body)["predictions"];
  ASSERT_EQ(served.size(), rows);
  const auto& columns = predictions[0];
  for (size_t r = 0; r < rows; ++r) {
    const json& answer = served[r];
    ASSERT_EQ(answer["source"], "model");
    for (size_t c = 0; c < columns.size(); ++c) {
      const std::string& name = columns[c];
      const std::string& text = predictions[r + 1][c];
      if (name == "prediction") {
        if (answer["prediction"].is_number()) {
          EXPECT_EQ(answer["prediction"].get<double>(), std::stod(text)) << "row " << r;
        } else {
          EXPECT_EQ(answer["prediction"], text) << "row " << r;
        }
      } else if (name == "probability") {
        EXPECT_EQ(answer["probability"].get<double>(), std::stod(text)) << "row " << r;
      } else if (name.starts_with("probability_")) {
        EXPECT_EQ(answer["probabilities"][name.substr(12)].get<double>(), std::stod(text))
            << "row " << r << " " << name;
      } else if (name == "model_version") {
        EXPECT_EQ(answer["model_version"], text);
      }
    }
  }
  // A numeric input given as text is refused naming the field, for every demo (a
  // point-in-time join's VIEW__FEATURE columns included).
  for (const auto& [name, type] : types) {
    if (type != "float64" && type != "int64") continue;
    const auto wrong = server.predict(demo.name, json{{"rows", {{{name, "x"}}}}}.dump());
    ASSERT_TRUE(wrong);
    EXPECT_EQ(wrong->status, 422) << name << ": " << wrong->body;
    EXPECT_NE(wrong->body.find("rows[0]." + name), std::string::npos) << wrong->body;
  }
  EXPECT_EQ(server.stop(), 0);
}

INSTANTIATE_TEST_SUITE_P(
    EveryDemoWorkflow, ServeDemo,
    ::testing::Values(Demo{"penguins-species.yaml", "penguins-species", "", "ingest/clean.csv"},
                      Demo{"cars-mpg.yaml", "cars-mpg", "", "ingest/clean.csv"},
                      Demo{"flight-delay.yaml", "flight-delay",
                           " --set ingest.source.path=" MLOPS_SOURCE_DIR
                           "/tests/fixtures/flights-2001-01.csv --set train.rounds=20",
                           "ingest/clean.csv"},
                      Demo{"flight-delay-features.yaml", "flight-delay-features", "",
                           "predict/entities_joined.csv"}),
    [](const ::testing::TestParamInfo<Demo>& info) {
      std::string name = info.param.name;
      std::replace(name.begin(), name.end(), '-', '_');
      return name;
    });

}  // namespace
}  // namespace mlops

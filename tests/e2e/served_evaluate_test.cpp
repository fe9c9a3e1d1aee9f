// `mlops evaluate` joins late labels with served predictions (logged through the prediction
// log of `mlops serve`) and batch-predict's alike: the counts tell online from batch, and the
// metrics are the ones computed here from both sets of predictions.

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <sstream>

#include "cli_runner.h"
#include "flight_registry_workflow.h"
#include "mlops/core/time.h"
#include "mlops/serve/prediction_logger.h"

namespace mlops::testing {
namespace {

std::vector<std::string> data_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  std::string line;
  std::getline(in, line);
  while (std::getline(in, line)) lines.push_back(line);
  return lines;
}

std::vector<std::string> split_csv(const std::string& line) {
  std::vector<std::string> fields;
  std::stringstream in(line);
  std::string field;
  while (std::getline(in, field, ',')) fields.push_back(field);
  return fields;
}

TEST(ServedEvaluate, LabelsJoinServedAndBatchPredictionsAlike) {
  TempDir dir;
  dir.write("jan.csv", flights_with_ids("flights-2001-01.csv", "jan-"));
  dir.write("jun.csv", flights_with_ids("flights-2001-06.csv", "jun-"));
  const std::string workflow =
      dir.write("flights.yaml", flight_registry_yaml("flight-served", dir.file("jan.csv"), 20, 4));
  auto mlops = [&](const std::string& args) {
    return run_mlops(args + " --workflow " + workflow + " --set runs_dir=" + dir.file("runs"), dir);
  };
  ASSERT_EQ(mlops("run").exit_code, 0);
  // June is scored in batch (and logged); January is what `mlops serve` answers later: its
  // numbers come from the same model, scored here without logging.
  CliResult batch = mlops("batch-predict --input " + dir.file("jun.csv") +
                          " --scored-at '2026-11-20 08:00:00' --output " + dir.file("jun-out.csv"));
  ASSERT_EQ(batch.exit_code, 0) << batch.err;
  CliResult unlogged = mlops("batch-predict --input " + dir.file("jan.csv") + " --output " +
                             dir.file("jan-out.csv") + " --set predict.log_predictions=false");
  ASSERT_EQ(unlogged.exit_code, 0) << unlogged.err;

  // Every January flight served once, through the prediction log, on 2036-11-21 (after the
  // run's own batch predictions of January, made now); June's first ten flights served again
  // then too (the latest prediction of a key counts).
  Settings settings;
  settings.runs_dir = dir.file("runs");
  settings.store_path = dir.file("runs/mlops.db");
  settings.serve_log.journal_dir = dir.file("serve-journal");
  auto logger = open_prediction_logger(settings, prediction_logger_options(settings));
  const int64_t served_at = *parse_timestamp("2036-11-21 10:00:00");
  std::map<std::string, std::pair<bool, double>> served;  // key -> (predicted true, p)
  auto serve = [&](const std::vector<std::string>& fields, int n) {
    ServedPrediction p;
    p.model = "flight-served";
    p.request_id = "req-" + std::to_string(n);
    p.row_key = fields[0];
    p.model_version = fields[3];
    p.source = "model";
    p.prediction = fields[1];
    p.score = std::stod(fields[2]);
    p.served_at_us = served_at + n;
    p.latency_ms = 0.3;
    logger->log(p);
    served[fields[0]] = {fields[1] == "true", p.score};
  };
  int n = 0;
  for (const auto& line : data_lines(slurp(dir.file("jan-out.csv")))) serve(split_csv(line), n++);
  const auto june = data_lines(slurp(dir.file("jun-out.csv")));
  for (size_t row = 0; row < 10; ++row) serve(split_csv(june[row]), n++);
  logger->close(std::chrono::seconds(20));
  ASSERT_EQ(logger->stats().stored, 3018u);
  logger.reset();

  // Labels for every other flight of both months.
  std::map<std::string, bool> delayed;
  std::string labels = "flight_id,delay\n";
  for (const char* month : {"jan.csv", "jun.csv"}) {
    const auto rows = data_lines(slurp(dir.file(month)));
    for (size_t row = 0; row < rows.size(); row += 2) {
      const auto fields = split_csv(rows[row]);
      labels += fields[0] + "," + fields[2] + "\n";
      delayed[fields[0]] = std::stoi(fields[2]) > 15;
    }
  }
  dir.write("labels.csv", labels);

  // Expected: served keys use the served prediction, the rest of June the batch one.
  std::map<std::string, std::pair<bool, double>> latest;
  for (const auto& line : june) {
    const auto fields = split_csv(line);
    latest[fields[0]] = {fields[1] == "true", std::stod(fields[2])};
  }
  for (const auto& [key, prediction] : served) latest[key] = prediction;
  size_t correct = 0, rows = 0, online = 0;
  double log_loss = 0;
  for (const auto& [key, is_delayed] : delayed) {
    const auto& [predicted, p] = latest.at(key);
    const double clamped = std::clamp(p, 1e-15, 1 - 1e-15);
    correct += predicted == is_delayed;
    log_loss -= is_delayed ? std::log(clamped) : std::log(1 - clamped);
    online += served.count(key);
    ++rows;
  }
  ASSERT_EQ(rows, 3008u);
  ASSERT_EQ(online, 1504u + 5u);

  CliResult evaluated = mlops("evaluate --labels " + dir.file("labels.csv") + " --format json");
  ASSERT_EQ(evaluated.exit_code, 0) << evaluated.err;
  const auto result = nlohmann::json::parse(evaluated.out);
  EXPECT_EQ(result["labels_read"], 3008);
  EXPECT_EQ(result["labels_matched"], 3008);
  EXPECT_EQ(result["joined"], 3008);
  EXPECT_EQ(result["joined_online"], 1509);
  EXPECT_EQ(result["joined_batch"], 1499);
  std::map<std::string, double> all;
  std::map<std::string, int64_t> window_rows;
  for (const auto& metric : result["metrics"]) {
    EXPECT_EQ(metric["model_version"], "v1");
    if (metric["window"] == "all") {
      all[metric["metric"]] = metric["value"];
      EXPECT_EQ(metric["rows"], 3008);
    } else {
      window_rows[metric["window_start"]] = metric["rows"];
    }
  }
  EXPECT_NEAR(all["accuracy"], static_cast<double>(correct) / rows, 1e-9);
  EXPECT_NEAR(all["logloss"], log_loss / rows, 1e-6);
  // Each day's window holds the predictions made that day: batch ones, then served ones.
  EXPECT_EQ(window_rows["2026-11-20T00:00:00Z"], 1499);
  EXPECT_EQ(window_rows["2036-11-21T00:00:00Z"], 1509);
  EXPECT_EQ(window_rows.size(), 2u);

  CliResult text = mlops("evaluate --labels " + dir.file("labels.csv"));
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("3008 predictions evaluated (1509 served online, 1499 from batch runs)"),
            std::string::npos)
      << text.out;
}

}  // namespace
}  // namespace mlops::testing

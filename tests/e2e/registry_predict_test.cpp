// The registry, batch-predict and the evaluation store end to end on real flights
// (tests/fixtures, with a flight_id added): the promotion gate keeps a worse challenger out,
// rollback restores the previous champion, shards concatenate to the unsharded output, the
// streamed output has one row per input row, and labels joined after the fact give the metric
// computed here from the files.

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <cmath>
#include <cstdlib>
#include <map>
#include <sstream>

#include "cli_runner.h"
#include "flight_registry_workflow.h"

namespace mlops::testing {
namespace {

namespace fs = std::filesystem;

/// CSV rows (header excluded) as lines.
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

class RegistryPredict : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_.write("jan.csv", flights_with_ids("flights-2001-01.csv", "jan-"));
    dir_.write("jun.csv", flights_with_ids("flights-2001-06.csv", "jun-"));
    workflow_ = dir_.write("flights.yaml",
                           flight_registry_yaml("flight-registry", dir_.file("jan.csv"), 30, 4));
  }
  CliResult mlops(const std::string& args) {
    return run_mlops(args + " --workflow " + workflow_ + " --set runs_dir=" + dir_.file("runs"),
                     dir_);
  }
  nlohmann::json models() {
    CliResult result = mlops("models list flight-registry --format json");
    EXPECT_EQ(result.exit_code, 0) << result.err;
    return nlohmann::json::parse(result.out);
  }
  /// alias -> version from `models list`.
  std::map<std::string, int> aliases() {
    std::map<std::string, int> held;
    for (const auto& version : models()) {
      for (const auto& alias : version["aliases"]) held[alias] = version["version"];
    }
    return held;
  }
  /// The most recently started run (run ids sort by second only).
  fs::path latest_run() {
    fs::path latest;
    int64_t latest_start = -1;
    for (const auto& entry : fs::directory_iterator(dir_.file("runs"))) {
      if (!entry.is_directory()) continue;
      const int64_t start = read_json(entry.path() / "manifest.json")["started_at_us"];
      if (start > latest_start) latest = entry.path(), latest_start = start;
    }
    return latest;
  }
  nlohmann::json latest_manifest() { return read_json(latest_run() / "manifest.json"); }
  TempDir dir_;
  std::string workflow_;
};

TEST_F(RegistryPredict, WorseChallengerIsNotPromotedAndChampionKeepsScoring) {
  ASSERT_EQ(mlops("run").exit_code, 0);
  CliResult weak = mlops("run --set train.rounds=1 --set train.params.max_depth=1");
  ASSERT_EQ(weak.exit_code, 0) << weak.err;
  EXPECT_NE(weak.err.find("v2 is the challenger, not promoted"), std::string::npos) << weak.err;

  const nlohmann::json manifest = latest_manifest();
  const auto& registry = manifest["stages"]["train"]["details"]["registry"];
  EXPECT_EQ(registry["version"], 2);
  EXPECT_EQ(registry["gate"]["passed"], false);
  EXPECT_EQ(registry["gate"]["metric"], "auc");
  EXPECT_LT(registry["gate"]["candidate"].get<double>(),
            registry["gate"]["champion"].get<double>());
  EXPECT_EQ(registry["previous_champion"]["version"], 1);
  EXPECT_EQ(aliases(), (std::map<std::string, int>{{"champion", 1}, {"challenger", 2}}));
  // The run scored with the champion, not with the model it just trained.
  EXPECT_EQ(manifest["stages"]["predict"]["details"]["model_version"], "v1");
  const std::string predictions = slurp(latest_run() / "predict" / "predictions.csv");
  EXPECT_NE(data_lines(predictions).front().find(",v1,"), std::string::npos);
}

TEST_F(RegistryPredict, BetterVersionIsPromotedAndRollbackRestoresThePreviousChampion) {
  ASSERT_EQ(mlops("run --set train.rounds=1 --set train.params.max_depth=1").exit_code, 0);
  ASSERT_EQ(mlops("run").exit_code, 0);
  EXPECT_EQ(aliases()["champion"], 2);
  EXPECT_EQ(latest_manifest()["stages"]["predict"]["details"]["model_version"], "v2");

  CliResult rollback = mlops("models rollback flight-registry");
  ASSERT_EQ(rollback.exit_code, 0) << rollback.err;
  EXPECT_EQ(rollback.out, "flight-registry: champion v2 -> v1\n");
  EXPECT_EQ(aliases()["champion"], 1);
  // Nothing older to go back to: v2 lost the alias to a rollback.
  CliResult again = mlops("models rollback flight-registry");
  EXPECT_EQ(again.exit_code, 2);
  EXPECT_NE(again.err.find("no other holder than v1"), std::string::npos) << again.err;

  // The history is append-only and says what happened.
  CliResult history = mlops("models history flight-registry --alias champion --format json");
  ASSERT_EQ(history.exit_code, 0) << history.err;
  const auto changes = nlohmann::json::parse(history.out);
  ASSERT_EQ(changes.size(), 3u);
  EXPECT_EQ(changes[2]["action"], "rollback");
  EXPECT_EQ(changes[2]["previous_version"], 2);
  EXPECT_EQ(changes[2]["version"], 1);

  // A manual promotion bypasses the gate; batch-predict then scores with it.
  ASSERT_EQ(mlops("models promote flight-registry 2 --reason 'hotfix'").exit_code, 0);
  CliResult scored = mlops("batch-predict --input " + dir_.file("jun.csv"));
  ASSERT_EQ(scored.exit_code, 0) << scored.err;
  EXPECT_EQ(latest_manifest()["stages"]["predict"]["details"]["model_version"], "v2");

  CliResult diff = mlops("models diff flight-registry 1 2 --format json");
  ASSERT_EQ(diff.exit_code, 0) << diff.err;
  const auto changed = nlohmann::json::parse(diff.out)["lineage"];
  bool rounds_differ = false;
  for (const auto& entry : changed) rounds_differ = rounds_differ || entry["key"] == "rounds";
  EXPECT_TRUE(rounds_differ) << diff.out;
}

TEST_F(RegistryPredict, UnknownVersionNamesWhatExists) {
  ASSERT_EQ(mlops("run").exit_code, 0);
  CliResult result = mlops("batch-predict --input " + dir_.file("jun.csv") + " --model v7");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("no version or alias 'v7' (versions v1..v1; aliases: champion=v1)"),
            std::string::npos)
      << result.err;
}

TEST_F(RegistryPredict, BaselineScoresWhenTheModelCannotBeRead) {
  ASSERT_EQ(mlops("run").exit_code, 0);
  const fs::path model = fs::path(dir_.file("models")) / "flight-registry" / "v1" / "model.json";
  ASSERT_TRUE(fs::exists(model));
  fs::remove(model);  // the registry's copy only: the run keeps its own
  dir_.write("models/flight-registry/v1/model.json", "{\"learner\": truncated");
  CliResult scored = mlops("batch-predict --input " + dir_.file("jun.csv"));
  ASSERT_EQ(scored.exit_code, 0) << scored.err;
  EXPECT_NE(scored.err.find("scoring with its baseline instead"), std::string::npos) << scored.err;
  const nlohmann::json details = latest_manifest()["stages"]["predict"]["details"];
  EXPECT_EQ(details["fallback"]["baseline"], "logistic_regression");
  const auto lines = data_lines(slurp(latest_run() / "predict" / "predictions.csv"));
  EXPECT_EQ(lines.size(), 3008u);
  EXPECT_NE(lines.front().find(",v1+baseline,"), std::string::npos) << lines.front();

  // Labels of the baseline's predictions are evaluated as the version's own.
  dir_.write("labels.csv", "flight_id,delay\njun-0,40\njun-1,0\njun-2,3\n");
  CliResult evaluated = mlops("evaluate --labels " + dir_.file("labels.csv") + " --format json");
  ASSERT_EQ(evaluated.exit_code, 0) << evaluated.err;
  const auto metrics = nlohmann::json::parse(evaluated.out)["metrics"];
  ASSERT_FALSE(metrics.empty());
  EXPECT_EQ(metrics[0]["model_version"], "v1+baseline");
  EXPECT_EQ(metrics[0]["rows"], 3);
}

TEST_F(RegistryPredict, EmptyShardsWriteTheHeaderAndWideningRestartsCleanly) {
  ASSERT_EQ(mlops("run").exit_code, 0);
  // Two rows and eight shards: most shards are empty and still succeed with the header.
  const auto june = data_lines(slurp(dir_.file("jun.csv")));
  const std::string header = "flight_id,date,delay,distance,origin,destination\n";
  dir_.write("two.csv", header + june[0] + "\n" + june[1] + "\n");
  size_t rows = 0;
  for (int shard = 0; shard < 8; ++shard) {
    const std::string output = dir_.file("two-" + std::to_string(shard) + ".csv");
    CliResult part = mlops("batch-predict --input " + dir_.file("two.csv") + " --shard " +
                           std::to_string(shard) + "/8 --output " + output);
    ASSERT_EQ(part.exit_code, 0) << part.err;
    const std::string text = slurp(output);
    EXPECT_EQ(text.substr(0, text.find('\n')),
              "flight_id,prediction,probability,model_version,scored_at");
    rows += data_lines(text).size();
  }
  EXPECT_EQ(rows, 2u);

  // An undeclared column whose first megabyte holds integers and then a text value: the
  // reader restarts with the column widened, and every row is scored and logged once.
  std::string wide = "gate," + header;
  size_t lines = 0;
  while (wide.size() < (3u << 20)) {
    for (const auto& line : june) {
      wide += (wide.size() < (2u << 20) ? "7," : "B12,") + line + "\n";
      ++lines;
    }
  }
  dir_.write("wide.csv", wide);
  CliResult scored = mlops("batch-predict --input " + dir_.file("wide.csv"));
  ASSERT_EQ(scored.exit_code, 0) << scored.err;
  EXPECT_NE(scored.err.find("scoring again"), std::string::npos) << scored.err;
  const nlohmann::json manifest = latest_manifest();
  EXPECT_EQ(manifest["stages"]["predict"]["rows"], lines);
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(dir_.file("runs/mlops.db").c_str(), &db), SQLITE_OK);
  sqlite3_stmt* count = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "SELECT COUNT(*) FROM prediction_log WHERE run_id = ?1", -1,
                               &count, nullptr),
            SQLITE_OK);
  const std::string run_id = manifest["run_id"];
  sqlite3_bind_text(count, 1, run_id.c_str(), -1, SQLITE_TRANSIENT);
  ASSERT_EQ(sqlite3_step(count), SQLITE_ROW);
  EXPECT_EQ(static_cast<size_t>(sqlite3_column_int64(count, 0)), lines);  // logged once
  sqlite3_finalize(count);
  sqlite3_close(db);
}

TEST_F(RegistryPredict, BadInputsNameTheKeyOrFileAndExitCode) {
  ASSERT_EQ(mlops("run").exit_code, 0);
  const std::string june = " --input " + dir_.file("jun.csv");
  CliResult time = mlops("batch-predict" + june + " --scored-at yesterday");
  EXPECT_EQ(time.exit_code, 2);
  EXPECT_NE(time.err.find("key 'predict.scored_at': 'yesterday' is not a timestamp"),
            std::string::npos)
      << time.err;

  CliResult unknown = mlops("models list nosuch");
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("no registered model 'nosuch' (registered: flight-registry)"),
            std::string::npos)
      << unknown.err;
  // Showing a version of an unknown model lists the registered ones too.
  CliResult shown = mlops("models show nosuch 1");
  EXPECT_EQ(shown.exit_code, 2);
  EXPECT_NE(shown.err.find("no registered model 'nosuch' (registered: flight-registry): train it "
                           "first"),
            std::string::npos)
      << shown.err;
  CliResult history = mlops("models history nosuch");
  EXPECT_EQ(history.exit_code, 2);
  EXPECT_NE(history.err.find("no registered model 'nosuch'"), std::string::npos) << history.err;

  dir_.write("no-ids.csv", "delay\n40\n");
  CliResult no_ids = mlops("evaluate --labels " + dir_.file("no-ids.csv"));
  EXPECT_EQ(no_ids.exit_code, 4);
  EXPECT_NE(no_ids.err.find("no-ids.csv: column 'flight_id' declared in the schema is missing "
                            "from the header (columns: delay)"),
            std::string::npos)
      << no_ids.err;
  dir_.write("ragged.csv", "flight_id,delay\njun-0,40\njun-1,0,7\n");
  CliResult ragged = mlops("evaluate --labels " + dir_.file("ragged.csv"));
  EXPECT_EQ(ragged.exit_code, 4);
  EXPECT_NE(ragged.err.find("ragged.csv:3: expected 2 fields, found 3 (1 bad records)"),
            std::string::npos)
      << ragged.err;

  // Without id columns there is nothing to join on.
  std::string yaml = flight_registry_yaml("flight-registry", dir_.file("jan.csv"), 30, 4);
  yaml = yaml.substr(0, yaml.find("predict:"));
  const std::string unkeyed = dir_.write("unkeyed.yaml", yaml);
  CliResult unjoinable = run_mlops("evaluate --labels " + dir_.file("no-ids.csv") + " --workflow " +
                                       unkeyed + " --set runs_dir=" + dir_.file("runs"),
                                   dir_);
  EXPECT_EQ(unjoinable.exit_code, 2);
  EXPECT_NE(unjoinable.err.find("evaluate: predict.id_columns is not set in " + unkeyed),
            std::string::npos)
      << unjoinable.err;
}

TEST_F(RegistryPredict, ShardsConcatenateToTheUnshardedOutputAndStreamEveryRow) {
  ASSERT_EQ(mlops("run").exit_code, 0);
  const std::string fixed = " --scored-at '2026-11-22 10:00:00' --input " + dir_.file("jun.csv");
  CliResult whole = mlops("batch-predict" + fixed + " --output " + dir_.file("all.csv"));
  ASSERT_EQ(whole.exit_code, 0) << whole.err;
  const std::vector<std::string> expected = data_lines(slurp(dir_.file("all.csv")));
  EXPECT_EQ(expected.size(), 3008u);  // one prediction per input row
  EXPECT_EQ(latest_manifest()["stages"]["predict"]["contracts"][0]["checks"][0]["passed"], true);

  std::vector<std::string> concatenated;
  for (int shard = 0; shard < 3; ++shard) {
    const std::string output = dir_.file("shard" + std::to_string(shard) + ".csv");
    CliResult part = mlops("batch-predict" + fixed + " --shard " + std::to_string(shard) +
                           "/3 --output " + output);
    ASSERT_EQ(part.exit_code, 0) << part.err;
    const std::vector<std::string> lines = data_lines(slurp(output));
    EXPECT_GT(lines.size(), 900u);
    EXPECT_LT(lines.size(), 1100u);
    concatenated.insert(concatenated.end(), lines.begin(), lines.end());
  }
  EXPECT_EQ(concatenated, expected);

  // A gzip-compressed copy of the input is decompressed, not parsed as bytes.
  ASSERT_EQ(std::system(("gzip -k " + dir_.file("jun.csv")).c_str()), 0);
  const std::string gz = " --scored-at '2026-11-22 10:00:00' --input " + dir_.file("jun.csv.gz");
  CliResult compressed = mlops("batch-predict" + gz + " --output " + dir_.file("gz.csv"));
  ASSERT_EQ(compressed.exit_code, 0) << compressed.err;
  EXPECT_EQ(data_lines(slurp(dir_.file("gz.csv"))), expected);

  CliResult bad = mlops("batch-predict --shard 3/3 --input " + dir_.file("jun.csv"));
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("predict.shard"), std::string::npos) << bad.err;
}

TEST_F(RegistryPredict, LabelsJoinedAfterTheFactGiveTheExpectedMetric) {
  ASSERT_EQ(mlops("run").exit_code, 0);
  const fs::path trained = latest_run();
  CliResult scored =
      mlops("batch-predict --input " + dir_.file("jun.csv") +
            " --scored-at '2026-11-20 08:00:00' --output " + dir_.file("scored.csv"));
  ASSERT_EQ(scored.exit_code, 0) << scored.err;

  // Labels for every other June flight arrive later: flight_id and the delay itself.
  std::map<std::string, bool> delayed;
  std::string labels = "flight_id,delay\n";
  const auto june = data_lines(slurp(dir_.file("jun.csv")));
  for (size_t row = 0; row < june.size(); row += 2) {
    const auto fields = split_csv(june[row]);
    labels += fields[0] + "," + fields[2] + "\n";
    delayed[fields[0]] = std::stoi(fields[2]) > 15;
  }
  dir_.write("labels.csv", labels);

  // The expected accuracy and log loss, from the scored file and the labels.
  size_t correct = 0, rows = 0;
  double log_loss = 0;
  for (const auto& line : data_lines(slurp(dir_.file("scored.csv")))) {
    const auto fields = split_csv(line);  // flight_id, prediction, probability, version, at
    auto it = delayed.find(fields[0]);
    if (it == delayed.end()) continue;
    const double p = std::clamp(std::stod(fields[2]), 1e-15, 1 - 1e-15);
    correct += (fields[1] == "true") == it->second;
    log_loss -= it->second ? std::log(p) : std::log(1 - p);
    ++rows;
  }
  ASSERT_EQ(rows, 1504u);

  CliResult evaluated = mlops("evaluate --labels " + dir_.file("labels.csv") + " --format json");
  ASSERT_EQ(evaluated.exit_code, 0) << evaluated.err;
  const auto result = nlohmann::json::parse(evaluated.out);
  EXPECT_EQ(result["labels_read"], 1504);
  std::map<std::string, double> day, all;
  for (const auto& metric : result["metrics"]) {
    ASSERT_EQ(metric["model_version"], "v1");
    ASSERT_EQ(metric["rows"], 1504);
    auto& into = metric["window"] == "all" ? all : day;
    into[metric["metric"]] = metric["value"];
    if (metric["window"] != "all") {
      EXPECT_EQ(metric["window_start"], "2026-11-20T00:00:00Z");
    }
  }
  EXPECT_NEAR(day["accuracy"], static_cast<double>(correct) / rows, 1e-9);
  EXPECT_NEAR(day["logloss"], log_loss / rows, 1e-6);
  EXPECT_EQ(day, all);
  EXPECT_TRUE(day.count("auc"));

  // The report shows the live metrics over time, from the evaluation store.
  CliResult report = mlops("export-report --format json");
  ASSERT_EQ(report.exit_code, 0) << report.err;
  const auto live = nlohmann::json::parse(report.out)["live"];
  ASSERT_TRUE(live.is_object()) << report.out.substr(0, 500);
  EXPECT_EQ(live["series"]["accuracy"]["v1"][0]["window_start"], "2026-11-20T00:00:00Z");
  EXPECT_NEAR(live["series"]["accuracy"]["v1"][0]["value"].get<double>(), day["accuracy"], 1e-12);
  // Without --run the report is the latest run that trained's, not the scoring run's.
  const std::string html = slurp(trained / "report" / "report.html");
  EXPECT_NE(html.find("Live accuracy"), std::string::npos);
}

TEST_F(RegistryPredict, AmbiguousKeysInLabelsOrPredictionsAreRefused) {
  ASSERT_EQ(mlops("run").exit_code, 0);
  const auto june = data_lines(slurp(dir_.file("jun.csv")));
  const std::string header = "flight_id,date,delay,distance,origin,destination\n";
  dir_.write("two.csv", header + june[0] + "\n" + june[1] + "\n");
  ASSERT_EQ(mlops("batch-predict --input " + dir_.file("two.csv")).exit_code, 0);

  // Two labels for one key: which one counts cannot be told.
  dir_.write("twice.csv", "flight_id,delay\njun-0,40\njun-1,0\njun-0,0\n");
  CliResult twice = mlops("evaluate --labels " + dir_.file("twice.csv"));
  EXPECT_EQ(twice.exit_code, 4);
  EXPECT_NE(twice.err.find(dir_.file("twice.csv") +
                           ": records 1 and 3 have the same key 'jun-0' in the id columns "
                           "(flight_id): a label must name one row; make predict.id_columns a "
                           "unique key"),
            std::string::npos)
      << twice.err;

  // One scoring run that logged a key twice: the label cannot be joined to one prediction.
  dir_.write("dup.csv", header + june[0] + "\n" + june[0] + "\n");
  ASSERT_EQ(mlops("batch-predict --input " + dir_.file("dup.csv")).exit_code, 0);
  const std::string scoring_run = latest_run().filename().string();
  dir_.write("once.csv", "flight_id,delay\njun-0,40\n");
  CliResult ambiguous = mlops("evaluate --labels " + dir_.file("once.csv"));
  EXPECT_EQ(ambiguous.exit_code, 4);
  EXPECT_NE(ambiguous.err.find("evaluate: run '" + scoring_run +
                               "' scored 2 rows with the key 'jun-0' in the id columns "
                               "(flight_id), so a label cannot be joined to one prediction"),
            std::string::npos)
      << ambiguous.err;
}

}  // namespace
}  // namespace mlops::testing

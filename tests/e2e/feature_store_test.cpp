// The feature store's offline half end to end: the bundled worked example trained from a
// point-in-time join and scored, and `mlops features historical` with its errors.

#include <gtest/gtest.h>

#include "cli_runner.h"

namespace mlops::testing {
namespace {

namespace fs = std::filesystem;

constexpr const char* kWorkflow = "workflows/flight-delay-features.yaml";

class FeatureStore : public ::testing::Test {
 protected:
  CliResult mlops(const std::string& args) {
    return run_mlops(args + " --workflow " + kWorkflow + " --set runs_dir=" + dir_.file("runs"),
                     dir_);
  }
  void ingest() {
    const CliResult result = mlops("ingest");
    ASSERT_EQ(result.exit_code, 0) << result.err;
  }
  TempDir dir_;
};

TEST_F(FeatureStore, WorkedExampleTrainsFromTheJoinAndScoresJoinedRows) {
  const CliResult result = mlops("run --env local");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const fs::path root = only_run(dir_.file("runs"));
  const nlohmann::json manifest = read_json(root / "manifest.json");
  EXPECT_EQ(manifest["status"], "ok");
  const nlohmann::json& featurize = manifest["stages"]["featurize"];
  EXPECT_EQ(featurize["details"]["source"]["type"], "historical");
  EXPECT_EQ(featurize["details"]["source"]["rows"], 2143);
  const uint64_t matched =
      featurize["details"]["source"]["views"]["airport_delays"]["matched"].get<uint64_t>();
  EXPECT_GT(matched, 2000u);  // most flights leave within 3 hours of an hour with departures
  EXPECT_LT(matched, 2143u);  // the first hour of the data has no aggregate before it
  EXPECT_EQ(featurize["rows"], 2143);
  // The joined view's features reach the model.
  const std::string features = slurp(root / "featurize" / "features.csv");
  const std::string header = features.substr(0, features.find('\n'));
  for (const char* column : {"airport_delays__mean_delay", "airport_delays__delayed_share",
                             "airport_delays__busy", "airport_delays__flights"}) {
    EXPECT_NE(header.find(column), std::string::npos) << header;
  }
  // Scoring joins its input the same way: one prediction per entity row, by flight_id.
  const std::string joined = slurp(root / "predict" / "entities_joined.csv");
  EXPECT_EQ(count_lines(joined), 2144u);
  const std::string predictions = slurp(root / "predict" / "predictions.csv");
  EXPECT_EQ(count_lines(predictions), 2144u);
  EXPECT_EQ(predictions.substr(0, predictions.find(',')), "flight_id");
  const nlohmann::json metrics = read_json(root / "metrics.json");
  EXPECT_GT(metrics["auc"].get<double>(), 0.6);
}

TEST_F(FeatureStore, HistoricalWritesTheJoinInInputOrder) {
  ingest();
  const std::string entities = dir_.write("entities.csv",
                                          "flight,origin,at\n"
                                          "1,ATL,2001-01-01 00:30:00\n"
                                          "2,ATL,2001-01-01 01:00:00\n"
                                          "3,XXX,2001-01-05 12:00:00\n"
                                          "4,ATL,2001-01-01 01:59:59\n");
  const CliResult result = mlops(
      "features historical --entities " + entities +
      " --features airport_delays:mean_delay,busy --event-time at --out " + dir_.file("out.csv"));
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("4 entity rows joined"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("airport_delays: 2 rows found a feature row, 2 got nulls"),
            std::string::npos)
      << result.out;
  // ATL's first hour ends at 01:00 (data/airport-hourly-delays.csv): nothing before it.
  EXPECT_EQ(dir_.read("out.csv"),
            "flight,origin,at,airport_delays__mean_delay,airport_delays__busy\n"
            "1,ATL,2001-01-01 00:30:00,,\n"
            "2,ATL,2001-01-01 01:00:00,67.71,false\n"
            "3,XXX,2001-01-05 12:00:00,,\n"
            "4,ATL,2001-01-01 01:59:59,67.71,false\n");
}

TEST_F(FeatureStore, HistoricalNamesWhatIsWrong) {
  ingest();
  const std::string good = dir_.write("good.csv", "origin,event_time\nATL,2001-01-02 00:00:00\n");
  auto historical = [&](const std::string& entities, const std::string& features) {
    return mlops("features historical --entities " + entities + " --features " + features +
                 " --out " + dir_.file("out.csv"));
  };

  const std::string no_keys = dir_.write("no_keys.csv", "airport,when\nATL,2001-01-02\n");
  CliResult result = historical(no_keys, "airport_delays");
  EXPECT_EQ(result.exit_code, 4) << result.err;
  EXPECT_NE(result.err.find(no_keys + ": the entity file has no key column 'origin' and the "
                                      "event-time column 'event_time'"),
            std::string::npos)
      << result.err;

  const std::string bad_time =
      dir_.write("bad_time.csv", "origin,event_time\nATL,2001-01-02 00:00:00\nORD,soon\n");
  result = historical(bad_time, "airport_delays");
  EXPECT_EQ(result.exit_code, 4) << result.err;
  EXPECT_NE(result.err.find(bad_time + ":3: column 'event_time'"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("'soon'"), std::string::npos) << result.err;

  result = historical(good, "airport_delay");
  EXPECT_EQ(result.exit_code, 2) << result.err;
  EXPECT_NE(result.err.find("unknown feature view 'airport_delay' (did you mean "
                            "'airport_delays'?)"),
            std::string::npos)
      << result.err;

  result = historical(good, "airport_delays:mean_dealy");
  EXPECT_EQ(result.exit_code, 4) << result.err;
  EXPECT_NE(result.err.find("feature view 'airport_delays' has no feature 'mean_dealy' (did you "
                            "mean 'mean_delay'?)"),
            std::string::npos)
      << result.err;
  EXPECT_FALSE(fs::exists(dir_.file("out.csv")));  // nothing written on error

  result = historical(good, "airport_delays");
  EXPECT_EQ(result.exit_code, 0) << result.err;
}

// `mlops run` skips an unchanged stage: a featurize that joins views reruns when the entity
// file or a view's data changes (the clean table is not its input).
TEST_F(FeatureStore, ARunRejoinsWhenTheEntitiesOrAViewChange) {
  const std::string data = dir_.file("data");
  fs::create_directories(data);
  for (const char* file : {"airport-hourly-delays.csv", "flight-entities.csv"}) {
    fs::copy_file(std::string(MLOPS_SOURCE_DIR "/data/") + file, data + "/" + file);
  }
  auto run = [&] {
    const CliResult result = mlops("run --set data_dir=" + data);
    EXPECT_EQ(result.exit_code, 0) << result.err;
    const std::string marker = "flight-delay-features ";
    const size_t at = result.out.find(marker);
    const std::string id =
        result.out.substr(at + marker.size(), result.out.find(':', at) - at - marker.size());
    return read_json(fs::path(dir_.file("runs")) / id / "manifest.json");
  };
  auto featurize_status = [](const nlohmann::json& manifest) {
    return manifest["stages"]["featurize"]["status"].get<std::string>();
  };
  EXPECT_EQ(featurize_status(run()), "ok");
  EXPECT_EQ(featurize_status(run()), "skipped");
  {
    std::ofstream entities(data + "/flight-entities.csv", std::ios::app);
    entities << "999,ATL,2001-01-10 12:00:00,500,0\n";
  }
  nlohmann::json manifest = run();
  EXPECT_EQ(manifest["stages"]["ingest"]["status"], "skipped");
  EXPECT_EQ(featurize_status(manifest), "ok");
  EXPECT_EQ(manifest["stages"]["featurize"]["rows"], 2144);
  EXPECT_EQ(featurize_status(run()), "skipped");
  {
    std::ofstream hourly(data + "/airport-hourly-delays.csv", std::ios::app);
    hourly << "ATL,2001-01-15 01:00:00,3,1.0,0.0\n";
  }
  manifest = run();
  EXPECT_EQ(manifest["stages"]["ingest"]["status"], "ok");
  EXPECT_EQ(featurize_status(manifest), "ok");
}

TEST(FeatureStoreFresh, HistoricalBeforeIngestSaysWhatToRun) {
  TempDir dir;
  const std::string good = dir.write("good.csv", "origin,event_time\nATL,2001-01-02 00:00:00\n");
  const CliResult result =
      run_mlops(std::string("features historical --workflow ") + kWorkflow +
                    " --set runs_dir=" + dir.file("runs") + " --entities " + good +
                    " --features airport_delays --out " + dir.file("out.csv"),
                dir);
  EXPECT_EQ(result.exit_code, 2) << result.err;
  EXPECT_NE(result.err.find("has no committed rows yet; run `mlops ingest`"), std::string::npos)
      << result.err;
}

}  // namespace
}  // namespace mlops::testing

// A full disk at every write point of `mlops run` (penguins: it quarantines a record, so every
// store of the lake is written): the disk fills at the first write to one kind of file, and
// from then on every write fails with ENOSPC (tests/support/enospc_shim.cpp, preloaded). The
// run must exit 5 naming the failure, never 1; and the next run, with space again, must
// succeed on consistent stores: every record once in the clean table and the predictions, no
// half-registered version, no temp file left.

#include <gtest/gtest.h>

#include <set>

#include "fault_trials.h"
#include "mlops/store/sqlite/sqlite_stores.h"

namespace mlops::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

struct WritePoint {
  const char* name;   // the test's name
  const char* match;  // the disk fills at the first write to a path holding this
  const char* after;  // ... once this many bytes went to such paths
};

const WritePoint kWritePoints[] = {
    {"RunManifest", "manifest.json", "0"},
    {"RunConfig", "config.yaml", "0"},
    {"TrackingStoreOpen", "mlops.db", "0"},
    {"StoreLater", "mlops.db", "150000"},
    {"RawCopy", "/raw/", "0"},
    {"RawCopyMidway", "/raw/", "20000"},
    {"LakeCleanPart", "/clean/", "0"},
    {"LakeQuarantine", "/quarantine/", "0"},
    {"LakeCheckpoint", "checkpoint.json", "0"},
    {"IngestClean", "ingest/clean.csv", "0"},
    {"IngestQuarantine", "ingest/quarantine.jsonl", "0"},
    {"IngestProfile", "ingest/profile.json", "0"},
    {"Features", "featurize/features.csv", "0"},
    {"FeatureState", "featurize/feature_state.json", "0"},
    {"ValidateReport", "validate/contracts.json", "0"},
    {"TrainModel", "train/model.json", "0"},
    {"TrainModelMidway", "train/model.json", "4096"},
    {"TrainBaseline", "train/baseline.json", "0"},
    {"TrainMetrics", "train/metrics.json", "0"},
    {"RegistryCopy", "/models/", "0"},
    {"Predictions", "predict/predictions.csv", "0"},
    {"Drift", "predict/drift.json", "0"},
    {"ReportHtml", "report/report.html", "0"},
    {"ReportJson", "report/report.json", "0"},
};

// ctest's names show the write point, not the parameter's bytes.
void PrintTo(const WritePoint& point, std::ostream* out) {
  *out << point.name;
}

class DiskFull : public ::testing::TestWithParam<WritePoint> {
 protected:
  CliResult run(const std::string& env = "") {
    // One XGBoost thread: two spin badly on a busy machine.
    return run_mlops(
        "run --env local --workflow workflows/penguins-species.yaml --set "
        "train.params.nthread=1 --set runs_dir=" +
            (project() / "runs").string(),
        dir_, env);
  }
  fs::path project() const { return dir_.path() / "p"; }
  TempDir dir_;
};

// The id of every penguin, and of the one the schema quarantines (Sex ".").
std::pair<std::set<int64_t>, int64_t> penguin_ids() {
  std::set<int64_t> ids;
  int64_t quarantined = 0;
  for (const json& record : read_json(MLOPS_SOURCE_DIR "/data/penguins.json")) {
    ids.insert(record["id"].get<int64_t>());
    if (record.value("Sex", json()).is_string() && record["Sex"] == ".") {
      quarantined = record["id"];
    }
  }
  return {ids, quarantined};
}

// Fails the test for each id of `file` (column `id`) not in `expected` once, or missing.
void expect_each_once(const fs::path& file, const std::set<int64_t>& expected) {
  std::vector<std::string> values;
  csv_column(file, "id", values);
  std::multiset<int64_t> seen;
  for (const auto& value : values) seen.insert(std::stoll(value));
  size_t lost = 0, duplicated = 0;
  for (int64_t id : expected) lost += seen.count(id) == 0;
  for (int64_t id : seen) duplicated += seen.count(id) > 1 || !expected.contains(id);
  EXPECT_EQ(lost, 0u) << file;
  EXPECT_EQ(duplicated, 0u) << file;
}

TEST_P(DiskFull, ExitsFiveAndTheNextRunFindsConsistentStores) {
  const WritePoint& point = GetParam();
  const std::string fault_log = dir_.file("fault.log");
  const std::string env = std::string("LD_PRELOAD='") + MLOPS_ENOSPC_SHIM + "' MLOPS_FAULT_DIR='" +
                          project().string() + "' MLOPS_FAULT_MATCH='" + point.match +
                          "' MLOPS_FAULT_AFTER=" + point.after + " MLOPS_FAULT_LOG='" + fault_log +
                          "'";
  const CliResult full = run(env);
  const std::string filled = slurp(fault_log);
  ASSERT_FALSE(filled.empty()) << "no write matched '" << point.match << "'\n" << full.err;
  std::printf("%s: the disk filled writing %s-> exit %d: %s", point.name, filled.c_str(),
              full.exit_code, full.err.substr(full.err.rfind("mlops: ")).c_str());
  EXPECT_EQ(full.exit_code, 5) << full.err;
  EXPECT_NE(full.err.find("mlops: io error: "), std::string::npos) << full.err;
  EXPECT_TRUE(full.err.find("No space left on device") != std::string::npos ||
              full.err.find("database or disk is full") != std::string::npos)
      << full.err;
  EXPECT_EQ(full.err.find("internal error"), std::string::npos) << full.err;
  // The message names the file that could not be written (a temp file by its destination).
  std::string destination = filled.substr(0, filled.find('\n'));
  if (const size_t at = destination.rfind(".tmp-"); at != std::string::npos) destination.resize(at);
  if (const size_t at = destination.find("mlops.db"); at != std::string::npos) {
    destination.resize(at + 8);
  }
  EXPECT_NE(full.err.find(destination), std::string::npos) << destination << "\n" << full.err;

  // With space again, the next run succeeds and finds every store consistent.
  const CliResult next = run();
  ASSERT_EQ(next.exit_code, 0) << next.err;
  const fs::path root = only_run_with(project() / "runs", "report/report.html");
  const auto [ids, quarantined] = penguin_ids();
  std::set<int64_t> clean = ids;
  clean.erase(quarantined);
  expect_each_once(root / "ingest" / "clean.csv", clean);
  expect_each_once(root / "predict" / "predictions.csv", clean);
  // The lake's quarantine holds the one bad record once.
  size_t quarantine_lines = 0;
  for (const auto& entry :
       fs::directory_iterator(project() / "lake" / "penguins-species" / "quarantine")) {
    quarantine_lines += count_lines(slurp(entry.path()));
  }
  EXPECT_EQ(quarantine_lines, 1u);
  auto registry = open_sqlite_registry((project() / "runs" / "mlops.db").string(),
                                       (project() / "models").string());
  std::set<std::string> runs;
  for (const ModelVersion& version : registry->versions("penguins-species")) {
    EXPECT_TRUE(runs.insert(version.run_id).second) << "two versions of " << version.run_id;
    EXPECT_TRUE(fs::exists(fs::path(version.artifact_dir) / "model.json")) << version.version;
  }
  for (const auto& temp : leftover_temp_files(project())) ADD_FAILURE() << "left: " << temp;
}

INSTANTIATE_TEST_SUITE_P(WritePoints, DiskFull, ::testing::ValuesIn(kWritePoints),
                         [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace mlops::testing

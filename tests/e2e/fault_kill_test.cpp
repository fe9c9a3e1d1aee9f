// kill -9 at random moments: a file ingest (the file grows between trials), a paginated HTTP
// ingest (the API grows between trials) and `mlops run` of a demo workflow. The moment of each
// kill is drawn from [0, a complete run's wall time] with a fixed seed. After each kill a rerun
// completes, and then every record is in the clean table, the lake's clean parts and the raw
// layer exactly once, the registry holds no half-registered version and no two versions of one
// run, no `*.tmp-*` file is left, and the killed run is `crashed` (or ended by itself first).

#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <mutex>
#include <random>

#include "fault_trials.h"
#include "mlops/core/hash.h"
#include "mlops/store/sqlite/sqlite_stores.h"
#include "support/http_test_server.h"

namespace mlops::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr uint32_t kSeed = 20261206;

std::string status_of(const fs::path& run) {
  return read_json(run / "manifest.json").value("status", "");
}

/// The killed run's status in its manifest and in the tracking store.
std::pair<std::string, std::string> status_after(const fs::path& runs_dir, const fs::path& run) {
  const auto row = open_sqlite_tracking_store((runs_dir / "mlops.db").string())
                       ->find_run(run.filename().string());
  return {status_of(run), row ? row->status : "(not in the tracking store)"};
}

/// What the trials of one test counted.
struct Totals {
  int trials = 0;
  int killed = 0;
  int crashed = 0;  // killed runs the next run found crashed (or done before the signal)
  Tally clean, parts, raw, predictions;
  size_t temp_files = 0;
  size_t bad_versions = 0;

  void print(const std::string& what) const {
    std::printf(
        "%s: %d trials, %d killed (%d then marked crashed or done); lost/duplicated records: "
        "clean table %zu/%zu, lake parts %zu/%zu, raw %zu/%zu, predictions %zu/%zu; temp files "
        "left %zu; bad registry versions %zu\n",
        what.c_str(), trials, killed, crashed, clean.lost, clean.duplicated, parts.lost,
        parts.duplicated, raw.lost, raw.duplicated, predictions.lost, predictions.duplicated,
        temp_files, bad_versions);
  }
  void expect_none() const {
    EXPECT_EQ(clean.lost + clean.duplicated, 0u);
    EXPECT_EQ(parts.lost + parts.duplicated, 0u);
    EXPECT_EQ(raw.lost + raw.duplicated, 0u);
    EXPECT_EQ(predictions.lost + predictions.duplicated, 0u);
    EXPECT_EQ(temp_files, 0u);
    EXPECT_EQ(bad_versions, 0u);
    EXPECT_EQ(crashed, killed);
  }
};

/// The `id` values of every clean part of the lake's tables.
std::vector<std::string> lake_part_ids(const fs::path& lake) {
  std::vector<std::string> ids;
  for (const auto& entry : fs::recursive_directory_iterator(lake / "clean")) {
    const std::string name = entry.path().filename().string();
    if (entry.is_regular_file() && name.starts_with("part-") && name.ends_with(".csv")) {
      csv_column(entry.path(), "id", ids);
    }
  }
  return ids;
}

/// Every index line of the lake's raw layer.
std::vector<json> raw_index(const fs::path& lake) {
  std::vector<json> lines;
  for (const auto& entry : fs::recursive_directory_iterator(lake / "raw")) {
    if (entry.path().filename() != "index.jsonl") continue;
    std::istringstream in(slurp(entry.path()));
    for (std::string line; std::getline(in, line);) lines.push_back(json::parse(line));
  }
  return lines;
}

/// The bytes of one body the raw index line points at.
std::string raw_body(const fs::path& index_dir, const json& line) {
  const std::string bodies = slurp(index_dir / "bodies.bin");
  return bodies.substr(line["offset"].get<size_t>(), line["bytes"].get<size_t>());
}

/// Counts, after the completing rerun (which marks runs whose process died), how the killed
/// run ended: `crashed`, or the status it gave itself when the signal came after its work was
/// done, the same in its manifest and the tracking store.
void check_killed_run(Totals& totals, const Ended& ended, const fs::path& runs_dir,
                      const std::string& killed_run) {
  ++totals.trials;
  if (!ended.killed) return;
  ++totals.killed;
  if (killed_run.empty() || !fs::exists(fs::path(killed_run) / "manifest.json")) {
    ++totals.crashed;  // killed before its run started (no manifest): nothing to mark
    return;
  }
  const auto [manifest, store] = status_after(runs_dir, killed_run);
  const bool finished = manifest == "ok" || manifest == "partial";
  if ((manifest == "crashed" || finished) && store == manifest) {
    ++totals.crashed;
  } else {
    ADD_FAILURE() << killed_run << " killed: manifest says " << manifest << ", store " << store;
  }
}

size_t count_temp_files(const fs::path& root) {
  const auto temps = leftover_temp_files(root);
  for (const auto& temp : temps) ADD_FAILURE() << "left behind: " << temp;
  return temps.size();
}

TEST(FaultTrials, FileIngestKilledAtRandomThenRerunHoldsEveryRecordOnce) {
  TempDir dir;
  const fs::path root = dir.path();
  int64_t rows = 0;
  auto append = [&](int count) {
    std::ofstream out(dir.file("in/events.csv"), std::ios::app);
    if (rows == 0) out << "id,amount,label\n";
    for (int i = 0; i < count; ++i) {
      ++rows;
      out << rows << ',' << rows * 0.25 << ",k" << rows % 7 << '\n';
    }
  };
  fs::create_directories(root / "in");
  append(40000);
  const std::string workflow = dir.write(
      "events.yaml", "name: events\ningest:\n  source: {path: \"" + dir.file("in/events.csv") +
                         "\"}\n  schema: {id: int64, amount: float64, label: string}\n");
  const std::vector<std::string> args{
      "ingest", "--env", "local", "--workflow", workflow, "--set", "runs_dir=" + dir.file("runs")};
  const auto [first, typical] = run_timed(args, dir.file("first.log"));
  ASSERT_EQ(first, 0) << slurp(dir.file("first.log"));

  std::mt19937 random(kSeed);
  std::uniform_int_distribution<int64_t> delay(0, typical.count());
  Totals totals;
  for (int trial = 0; trial < 16; ++trial) {
    append(500 + trial * 37);
    const auto before = run_dirs(root / "runs");
    const Ended ended = kill_after(spawn_mlops(args, dir.file("killed.log")),
                                   std::chrono::microseconds(delay(random)));
    const std::string killed = new_run_dir(before, run_dirs(root / "runs"));
    const auto [rerun, took] = run_timed(args, dir.file("rerun.log"));
    ASSERT_EQ(rerun, 0) << "trial " << trial << ": " << slurp(dir.file("rerun.log"));
    check_killed_run(totals, ended, root / "runs", killed);

    const std::string completed = new_run_dir(before, run_dirs(root / "runs"), killed);
    std::vector<std::string> clean;
    csv_column(fs::path(completed) / "ingest" / "clean.csv", "id", clean);
    totals.clean += tally_ids(clean, rows);
    totals.parts += tally_ids(lake_part_ids(root / "lake" / "events"), rows);
    // Raw holds each version of the file once (a copy per version), the current one included.
    std::set<std::string> checksums;
    for (const json& line : raw_index(root / "lake" / "events")) {
      if (!checksums.insert(line["checksum"].get<std::string>()).second) ++totals.raw.duplicated;
      EXPECT_TRUE(fs::exists(line["stored"].get<std::string>())) << line.dump();
    }
    if (!checksums.contains("xxh128:" + hash_bytes(slurp(dir.file("in/events.csv"))))) {
      ++totals.raw.lost;
    }
    totals.temp_files += count_temp_files(root);
  }
  totals.print("file ingest");
  totals.expect_none();
}

TEST(FaultTrials, HttpIngestKilledAtRandomThenRerunHoldsEveryRecordOnce) {
  // Pages of 5 records; the API gains 60 records (12 pages) before each trial.
  HttpTestServer api;
  std::atomic<int> total{200};
  api.server().Get("/items", [&](const httplib::Request& request, httplib::Response& response) {
    const int page = std::stoi(request.get_param_value("page"));
    json items = json::array();
    for (int id = (page - 1) * 5 + 1; id <= std::min(page * 5, total.load()); ++id) {
      items.push_back({{"id", id}, {"value", id * 1.5}});
    }
    response.set_content(json{{"data", items}}.dump(), "application/json");
  });
  api.start();
  TempDir dir;
  const fs::path root = dir.path();
  const std::string workflow =
      dir.write("paged.yaml",
                "name: paged\ningest:\n  source:\n    type: http\n    url: " + api.url("/items") +
                    "\n    records: data\n    pagination: {type: page, size_param: per_page, "
                    "size: 5}\n  schema: {id: int64, value: float64}\n");
  const std::vector<std::string> args{
      "ingest", "--env", "local", "--workflow", workflow, "--set", "runs_dir=" + dir.file("runs")};
  ASSERT_EQ(run_timed(args, dir.file("first.log")).first, 0) << slurp(dir.file("first.log"));
  total += 60;  // a run of the size of a trial's, for the time it takes
  const auto [second, typical] = run_timed(args, dir.file("second.log"));
  ASSERT_EQ(second, 0) << slurp(dir.file("second.log"));

  std::mt19937 random(kSeed + 1);
  std::uniform_int_distribution<int64_t> delay(0, typical.count());
  Totals totals;
  for (int trial = 0; trial < 16; ++trial) {
    total += 60;
    const auto before = run_dirs(root / "runs");
    const Ended ended = kill_after(spawn_mlops(args, dir.file("killed.log")),
                                   std::chrono::microseconds(delay(random)));
    const std::string killed = new_run_dir(before, run_dirs(root / "runs"));
    const auto [rerun, took] = run_timed(args, dir.file("rerun.log"));
    ASSERT_EQ(rerun, 0) << "trial " << trial << ": " << slurp(dir.file("rerun.log"));
    check_killed_run(totals, ended, root / "runs", killed);

    const std::string completed = new_run_dir(before, run_dirs(root / "runs"), killed);
    std::vector<std::string> clean;
    csv_column(fs::path(completed) / "ingest" / "clean.csv", "id", clean);
    totals.clean += tally_ids(clean, total);
    totals.parts += tally_ids(lake_part_ids(root / "lake" / "paged"), total);
    // Raw: the records of every committed body, each once.
    std::vector<std::string> raw;
    for (const auto& entry : fs::recursive_directory_iterator(root / "lake" / "paged" / "raw")) {
      if (entry.path().filename() != "index.jsonl") continue;
      std::istringstream in(slurp(entry.path()));
      for (std::string line; std::getline(in, line);) {
        const json body = json::parse(raw_body(entry.path().parent_path(), json::parse(line)));
        for (const json& item : body["data"]) raw.push_back(std::to_string(item["id"].get<int>()));
      }
    }
    totals.raw += tally_ids(raw, total);
    totals.temp_files += count_temp_files(root);
  }
  totals.print("http ingest");
  totals.expect_none();
}

/// The `id` values of `file` in the newest run that has it.
std::vector<std::string> newest_ids(const fs::path& runs, const std::string& file) {
  const fs::path newest = only_run_with(runs, file);
  std::vector<std::string> ids;
  if (newest.empty()) {
    ADD_FAILURE() << "no run has " << file;
  } else {
    csv_column(newest / file, "id", ids);
  }
  return ids;
}

/// Registry versions that are half there: a row whose folder lacks a file every version has,
/// a folder without its row, or a second version of one run.
size_t bad_versions(const fs::path& root, const std::string& model) {
  auto registry =
      open_sqlite_registry((root / "runs" / "mlops.db").string(), (root / "models").string());
  size_t bad = 0;
  std::set<std::string> runs;
  std::set<std::string> folders;
  for (const ModelVersion& version : registry->versions(model)) {
    folders.insert(fs::path(version.artifact_dir).filename().string());
    if (!runs.insert(version.run_id).second) {
      ADD_FAILURE() << "two versions of run " << version.run_id;
      ++bad;
    }
    for (const char* file : {"model.json", "feature_state.json", "model_meta.json"}) {
      if (!fs::exists(fs::path(version.artifact_dir) / file)) {
        ADD_FAILURE() << "v" << version.version << " has no " << file;
        ++bad;
      }
    }
  }
  for (const auto& entry : fs::directory_iterator(root / "models" / model)) {
    const std::string name = entry.path().filename().string();
    if (name.starts_with("v") && !folders.contains(name)) {
      ADD_FAILURE() << entry.path() << " has no row in the registry";
      ++bad;
    }
  }
  return bad;
}

TEST(FaultTrials, WorkflowRunKilledAtRandomThenRerunLeavesConsistentStores) {
  TempDir dir;
  const fs::path root = dir.path();
  const std::string workflow = MLOPS_SOURCE_DIR "/workflows/cars-mpg.yaml";
  // Few rounds on one thread: a run takes about a second even on a busy machine.
  const std::vector<std::string> args{"run",
                                      "--env",
                                      "local",
                                      "--workflow",
                                      workflow,
                                      "--set",
                                      "runs_dir=" + dir.file("runs"),
                                      "--set",
                                      "train.rounds=30",
                                      "--set",
                                      "train.params.nthread=1"};
  const auto [first, typical] = run_timed(args, dir.file("first.log"));
  ASSERT_EQ(first, 0) << slurp(dir.file("first.log"));

  std::mt19937 random(kSeed + 2);
  std::uniform_int_distribution<int64_t> delay(0, typical.count());
  Totals totals;
  constexpr int64_t kCars = 406;
  for (int trial = 0; trial < 12; ++trial) {
    const auto before = run_dirs(root / "runs");
    const Ended ended = kill_after(spawn_mlops(args, dir.file("killed.log")),
                                   std::chrono::microseconds(delay(random)));
    const std::string killed = new_run_dir(before, run_dirs(root / "runs"));
    const auto [rerun, took] = run_timed(args, dir.file("rerun.log"));
    ASSERT_EQ(rerun, 0) << "trial " << trial << ": " << slurp(dir.file("rerun.log"));
    check_killed_run(totals, ended, root / "runs", killed);

    totals.clean += tally_ids(newest_ids(root / "runs", "ingest/clean.csv"), kCars);
    totals.predictions += tally_ids(newest_ids(root / "runs", "predict/predictions.csv"), kCars);
    totals.parts += tally_ids(lake_part_ids(root / "lake" / "cars-mpg"), kCars);
    // The data file never changes: raw holds it once.
    const auto raw = raw_index(root / "lake" / "cars-mpg");
    if (raw.empty()) ++totals.raw.lost;
    if (raw.size() > 1) totals.raw.duplicated += raw.size() - 1;
    totals.bad_versions += bad_versions(root, "cars-mpg");
    totals.temp_files += count_temp_files(root);
  }
  totals.print("mlops run");
  totals.expect_none();
}

}  // namespace
}  // namespace mlops::testing

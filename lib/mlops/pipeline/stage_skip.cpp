#include "mlops/pipeline/stage_skip.h"

#include <fmt/format.h>

#include <filesystem>

#include "mlops/core/error.h"
#include "mlops/core/run_manifest.h"
#include "mlops/core/time.h"
#include "mlops/io/file.h"
#include "mlops/io/file_hash_memo.h"
#include "mlops/store/open_stores.h"

namespace mlops {

namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

std::optional<json> read_manifest(const std::string& root) {
  const std::string path = root + "/manifest.json";
  if (!path_exists(path)) return std::nullopt;
  try {
    return json::parse(read_file(path));
  } catch (const json::exception&) {
    return std::nullopt;  // not a manifest: not a run to reuse
  } catch (const Error&) {
    return std::nullopt;
  }
}

/// `to` becomes the file at `from`: a hard link (no bytes copied; every writer replaces files
/// by rename, so a later rerun never writes through the link), else a copy.
void link_or_copy(const fs::path& from, const fs::path& to) {
  fs::create_directories(to.parent_path());
  std::error_code error;
  fs::remove(to, error);
  fs::create_hard_link(from, to, error);
  if (!error) return;
  fs::copy_file(from, to, fs::copy_options::overwrite_existing, error);
  if (error) {
    throw IoError("cannot reuse {} as {}: {}", from.string(), to.string(), error.message());
  }
}

/// `path` with the folder `from` at its start replaced by `to`; unchanged when outside `from`.
std::string moved(const std::string& path, const std::string& from, const std::string& to) {
  return path.starts_with(from + "/") ? to + path.substr(from.size()) : path;
}

void move_paths(json& files, const std::string& from, const std::string& to) {
  if (!files.is_array()) return;
  for (json& file : files) {
    if (file.is_object() && file.contains("path") && file["path"].is_string()) {
      file["path"] = moved(file["path"].get<std::string>(), from, to);
    }
  }
}

}  // namespace

std::string EarlierStage::origin() const {
  return entry.value("reused_from", run_id);
}

StageHistory stage_history(const Workflow& workflow, Stage stage) {
  StageHistory history;
  if (!store_exists(workflow.settings)) return history;
  const std::string name(stage_name(stage));
  for (const RunRow& row : open_tracking_store(workflow.settings)->runs(workflow.name)) {
    if (row.status == "refused") continue;
    const std::optional<json> manifest = read_manifest(row.run_dir);
    if (!manifest) continue;
    const json& entry = json_member(json_member(*manifest, "stages"), name);
    if (!entry.is_object()) continue;
    EarlierStage earlier{row.run_id, row.run_dir, entry};
    if (stage_succeeded(entry.value("status", ""))) {
      history.last_success = std::move(earlier);
      break;
    }
    if (!history.later_failure) history.later_failure = std::move(earlier);
  }
  return history;
}

std::vector<std::string> reuse_obstacles(const EarlierStage& earlier, const StageFingerprint& now) {
  if (!now.always_runs.empty()) return {now.always_runs};
  const std::optional<StageFingerprint> before =
      StageFingerprint::from_json(json_member(earlier.entry, "fingerprint"));
  if (!before) {
    // The merge of a sharded stage's records (shard_records.h): each shard scored a part only.
    const json& shards = json_member(earlier.entry, "shards");
    if (shards.is_object()) {
      return {fmt::format("it ran as {} shards, which are never reused as a whole", shards.size())};
    }
    return {"no fingerprint recorded (run by an older mlops)"};
  }
  std::vector<std::string> reasons = compare_fingerprints(*before, now).describe(*before, now);
  const json& outputs = json_member(earlier.entry, "outputs");
  if (!outputs.is_array()) return reasons;
  for (const json& output : outputs) {
    const json& path = json_member(output, "path");
    const json& hash = json_member(output, "hash");
    if (!path.is_string() || !hash.is_string()) continue;  // absent when it ran: nothing to check
    const std::string file = path.get<std::string>();
    if (!path_exists(file)) {
      reasons.push_back(fmt::format("output {} is missing", file));
    } else if ("xxh128:" + hash_file_memo(file) != hash.get<std::string>()) {
      reasons.push_back(fmt::format("output {} changed since run {}", file, earlier.run_id));
    }
  }
  return reasons;
}

void reuse_stage(RunContext& run, Stage stage, const EarlierStage& earlier,
                 const StageFingerprint& now) {
  if (earlier.run_id == run.run_id()) return;
  const std::string& root = run.paths().root;
  const fs::path from_dir = fs::path(earlier.root) / std::string(stage_name(stage));
  const fs::path to_dir = run.paths().stage_dir(stage);
  std::error_code error;
  if (fs::is_directory(from_dir, error)) {
    for (const auto& file : fs::recursive_directory_iterator(from_dir)) {
      if (file.is_regular_file())
        link_or_copy(file.path(), to_dir / file.path().lexically_relative(from_dir));
    }
  }
  // Files the stage writes at the run's top (train's metrics.json).
  json entry = earlier.entry;
  for (const json& output : json_member(entry, "outputs")) {
    const json& path = json_member(output, "path");
    if (!path.is_string()) continue;
    const std::string file = path.get<std::string>();
    if (file.starts_with(earlier.root + "/") && !file.starts_with(from_dir.string() + "/") &&
        path_exists(file)) {
      link_or_copy(file, moved(file, earlier.root, root));
    }
  }
  move_paths(entry["inputs"], earlier.root, root);
  move_paths(entry["outputs"], earlier.root, root);
  const std::string origin = earlier.origin();
  entry["status"] = "skipped";
  entry["reused_from"] = origin;
  entry["skip_reason"] = fmt::format("unchanged since run {}", origin);
  entry["fingerprint"] = now.to_json();
  entry["finished_at"] = format_iso8601(now_micros());
  entry["seconds"] = 0.0;
  entry.erase("error");
  run.record_stage_entry(stage, std::move(entry));
  if (stage == Stage::kTrain && path_exists(run.paths().metrics())) {
    // The run's metrics are the reused model's, as its metrics.json says.
    try {
      run.record_metrics(
          json::parse(read_file(run.paths().metrics())).get<std::map<std::string, double>>());
    } catch (const json::exception&) {
      // metrics.json with nulls (NaN) or another shape: the file is there, the store lacks them
    }
  }
}

}  // namespace mlops

#pragma once
// The typed read model of a run's manifest.json (written by pipeline/run_context.cpp). A value
// the manifest lacks or holds with another type (an older run, a hand-made file) is nullopt,
// never an error, so a report can still be written for it.

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mlops/core/stage.h"

namespace mlops {

/// The member `key` of a JSON object; null when `value` is not an object or lacks it (readers
/// of files whose shape is not guaranteed: the manifest, the stages' summaries).
const nlohmann::json& json_member(const nlohmann::json& value, std::string_view key);

/// True for a stage status that gives usable outputs: "ok", or "skipped" (unchanged since an
/// earlier run, whose outputs this run reuses).
bool stage_succeeded(std::string_view status);

/// A file a stage read or wrote: {"path", "hash"}.
struct ManifestFile {
  std::optional<std::string> path;
  std::optional<std::string> hash;  // "xxh128:..."; absent when the file did not exist
};

/// One stage's entry under `stages`.
struct StageManifest {
  std::optional<std::string> status;       // "ok", "skipped", "failed", "contract_failed", ...
  std::optional<std::string> reused_from;  // skipped: the run whose outputs were reused
  std::optional<std::string> skip_reason;  // skipped: why ("unchanged since run X")
  std::optional<std::string> finished_at;
  std::optional<double> seconds;
  std::optional<uint64_t> peak_rss_bytes;
  std::optional<uint64_t> rows;
  std::optional<uint64_t> columns;
  std::vector<ManifestFile> inputs;
  std::vector<ManifestFile> outputs;
  /// The contract reports as contracts/ writes them (ContractReport::to_json); an array.
  nlohmann::json contracts = nlohmann::json::array();
  /// Stage-specific facts (train: holdout, baseline, registry, ...); null when absent.
  nlohmann::json details;
  std::optional<std::string> error;  // why the stage failed
};

/// The whole manifest.
struct RunManifest {
  std::optional<std::string> run_id;
  std::optional<std::string> workflow;
  std::optional<std::string> workflow_file;
  std::optional<std::string> env;
  std::optional<std::string> mlops_version;
  std::optional<std::string> config_hash;
  std::optional<std::string> started_at;
  std::optional<int64_t> started_at_us;
  std::optional<std::string> updated_at;
  std::optional<std::string> status;  // "running", "ok" or "failed"
  /// The recorded stages (entries that are objects under a known stage name).
  std::map<Stage, StageManifest> stages;

  /// The stage's entry, or nullptr when the run has not recorded it.
  const StageManifest* stage(Stage stage) const;
};

/// Reads the manifest's JSON into the typed model. Never throws: a missing or mistyped value
/// is nullopt (or an empty list), and keys it does not know are ignored.
RunManifest read_run_manifest(const nlohmann::json& manifest);

}  // namespace mlops

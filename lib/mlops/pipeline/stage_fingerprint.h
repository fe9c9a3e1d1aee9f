#pragma once
// What a stage's result depends on (DVC's dvc.lock entry): the code that ran, the config keys
// the stage reads and the content hashes of the files it reads. The runner records it in the
// manifest with the stage and compares it before the next run of that stage: equal
// fingerprints (and the earlier outputs still in place, stage_skip.h) mean the stage would
// compute the same outputs, so the run reuses them instead.

#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "mlops/config/workflow.h"
#include "mlops/core/stage.h"

namespace mlops {

struct StageFingerprint {
  std::string code;                           // code_identity() of the process that ran it
  std::map<std::string, std::string> config;  // dotted config key -> hash of its value
  std::map<std::string, std::string> inputs;  // input name -> content hash, or "missing"
  /// Why the stage can never be skipped (an HTTP or Kafka source: each fetch is new work);
  /// empty when it can.
  std::string always_runs;

  /// {"code", "config_hash", "config", "inputs"}: hashes only, never a config value.
  nlohmann::json to_json() const;
  /// nullopt when `value` holds no fingerprint (a run recorded by an older mlops).
  static std::optional<StageFingerprint> from_json(const nlohmann::json& value);
  /// One hash over every config entry.
  std::string config_hash() const;
};

/// What differs between two fingerprints of one stage.
struct FingerprintChanges {
  bool code = false;
  std::vector<std::string> config_keys;  // changed, added or removed keys
  std::vector<std::string> inputs;       // changed, added or removed inputs

  bool empty() const { return !code && config_keys.empty() && inputs.empty(); }
  /// One line per kind of change: "code version changed (0.9.0/ab12 -> ...)", "config
  /// changed: train.rounds", "input changed: ingest/clean.csv".
  std::vector<std::string> describe(const StageFingerprint& before,
                                    const StageFingerprint& now) const;
};

FingerprintChanges compare_fingerprints(const StageFingerprint& before,
                                        const StageFingerprint& now);

/// The code a fingerprint names: the mlops version and the first 16 hex digits of the hash of
/// the running executable (any rebuild counts as a code change), e.g. "0.9.0+1f2e3d4c5b6a7980".
std::string code_identity();

/// The config `stage` depends on, flattened: every leaf (a scalar, or a list as a whole) of the
/// subtrees the stage reads -> hash_bytes of its canonical text. Key order and comments do not
/// count; a value under a secret-looking key or from `${VAR}` is hashed masked, so neither a
/// hash nor a rotated password gives it away. Export-report reads nothing: empty.
std::map<std::string, std::string> stage_config(const ConfigNode& tree, Stage stage);

/// The run folder that holds `producer`'s outputs as `stage` would read them (the current run
/// when executing; the run of its last success for `mlops status`); nullopt: none yet.
using RunRootOf = std::function<std::optional<std::string>(Stage producer)>;

/// The fingerprint of `stage` as it would run now. Inputs: the files of each file source (its
/// glob's matches) and each SQLite database, the run files the stage reads (named relative to
/// the run folder, e.g. "ingest/clean.csv", with their schema sidecars), a declared contract
/// file, and for batch-predict the registered version predict.model resolves to (number and
/// artifact hashes) and predict.input. Throws what resolving them throws (IoError for a
/// missing source path, ModelError for an unknown model reference).
StageFingerprint stage_fingerprint(const Workflow& workflow, Stage stage,
                                   const RunRootOf& run_root_of);

}  // namespace mlops

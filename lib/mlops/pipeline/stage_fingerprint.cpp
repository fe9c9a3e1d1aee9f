#include "mlops/pipeline/stage_fingerprint.h"

#include <fmt/format.h>

#include <algorithm>

#include "mlops/config/mask.h"
#include "mlops/config/node.h"
#include "mlops/core/error.h"
#include "mlops/core/hash.h"
#include "mlops/core/version.h"
#include "mlops/feature_store/view_rows.h"
#include "mlops/ingest/file_source.h"
#include "mlops/io/file.h"
#include "mlops/io/file_hash_memo.h"
#include "mlops/io/table_file.h"
#include "mlops/store/open_stores.h"

namespace mlops {

namespace {

using json = nlohmann::json;

constexpr const char* kMissing = "missing";

/// The subtrees of the effective config each stage reads, and keys under them that do not
/// change its output (ingest.rebuild is how, not what: a rebuild always runs).
struct ConfigScope {
  std::vector<std::string> keys;
  std::vector<std::string> ignored;
};

ConfigScope config_scope(Stage stage) {
  switch (stage) {
    case Stage::kIngest:
      return {{"ingest", "contracts.ingest"}, {"ingest.rebuild", "ingest.follow"}};
    // featurize decides the split (train.split, its seed) and encodes the label by the task.
    // featurize.source historical joins the feature views (their declarations count).
    case Stage::kFeaturize:
      return {{"featurize", "train.objective", "train.split", "seed", "contracts.featurize",
               "entities", "feature_views"},
              {}};
    case Stage::kValidate: return {{"contracts.validate"}, {}};
    // Registration (the gate, the model name) is part of what train produces.
    case Stage::kTrain: return {{"train", "seed", "registry", "contracts.train"}, {}};
    // predict.input is typed by the ingest schema.
    // A workflow trained from a point-in-time join scores its input joined the same way.
    case Stage::kBatchPredict:
      return {{"predict", "registry.model", "ingest.schema", "ingest.null_values",
               "contracts.predict", "featurize.source", "entities", "feature_views"},
              {}};
    case Stage::kReport: return {};
  }
  return {};
}

void flatten(const ConfigNode& node, const std::string& key, bool secret,
             const std::vector<std::string>& ignored, std::map<std::string, std::string>& out) {
  if (std::find(ignored.begin(), ignored.end(), key) != ignored.end()) return;
  if (node.is_map() && !node.entries().empty()) {
    for (const auto& [child, value] : node.entries()) {
      flatten(value, key + "." + child, secret || is_secret_key(child), ignored, out);
    }
    return;
  }
  // canonical_text masks `${VAR}` values and secret keys below this node; a secret leaf is
  // masked here because its key is not part of the text.
  out[key] = hash_bytes(secret ? std::string(config_detail::kMask) : canonical_text(node));
}

std::string file_hash_or_missing(const std::string& path) {
  return path_exists(path) ? hash_file_memo(path) : kMissing;
}

/// A file and, when there is one, its schema sidecar (the types it is read with).
void add_file(std::map<std::string, std::string>& inputs, const std::string& name,
              const std::string& path) {
  inputs[name] = file_hash_or_missing(path);
  const std::string sidecar = schema_sidecar_path(path);
  if (path_exists(sidecar)) inputs[name + " (schema)"] = hash_file_memo(sidecar);
}

/// A file of the run the stage works in, named relative to the run folder.
void add_run_file(std::map<std::string, std::string>& inputs, const RunRootOf& run_root_of,
                  Stage producer, const std::string& file) {
  const std::string name = std::string(stage_name(producer)) + "/" + file;
  const std::optional<std::string> root = run_root_of(producer);
  if (!root) {
    inputs[name] = kMissing;
    return;
  }
  add_file(inputs, name, *root + "/" + name);
}

/// A point-in-time join's inputs: the entity file and the state of each view it joins.
void add_joined_views(const Workflow& workflow, const std::string& entities,
                      StageFingerprint& fingerprint) {
  add_file(fingerprint.inputs, "entities " + entities, entities);
  for (const std::string& request : workflow.featurize.source.features) {
    const std::string name = request.substr(0, request.find(':'));
    if (const FeatureViewSpec* view = workflow.feature_store.view(name)) {
      fingerprint.inputs["view " + name] = view_source_hash(workflow, *view);
    }
  }
}

void add_sources(const Workflow& workflow, StageFingerprint& fingerprint) {
  for (const SourceSpec& source : workflow.ingest.sources) {
    const std::string name = fmt::format("source {}: {}", source.name, source.path);
    if (source.type == "file") {
      std::string listing;
      for (const std::string& path : expand_source_path(source.path)) {
        listing += path + "\t" + hash_file_memo(path) + "\n";
      }
      fingerprint.inputs[name] = hash_bytes(listing);
    } else if (source.type == "sqlite") {
      fingerprint.inputs[name] = file_hash_or_missing(source.path);
      // Committed pages may still sit in the write-ahead log.
      if (path_exists(source.path + "-wal")) {
        fingerprint.inputs[name + " (wal)"] = hash_file_memo(source.path + "-wal");
      }
    } else if (fingerprint.always_runs.empty()) {
      fingerprint.always_runs =
          fmt::format("source '{}' is {}: each fetch is new work", source.name, source.type);
    }
  }
}

void add_contract(const Workflow& workflow, Stage stage, StageFingerprint& fingerprint) {
  const std::string key =
      stage == Stage::kBatchPredict ? "predict" : std::string(stage_name(stage));
  const auto it = workflow.contracts.find(key);
  if (it == workflow.contracts.end() || !it->second.is_scalar()) return;  // inline: in config
  fingerprint.inputs["contract " + it->second.text()] = file_hash_or_missing(it->second.text());
}

void add_model(const Workflow& workflow, StageFingerprint& fingerprint) {
  const std::string name =
      fmt::format("model {}@{}", workflow.registry.model, workflow.predict.model);
  if (!store_exists(workflow.settings)) {  // nothing registered yet; `status` creates no store
    fingerprint.inputs[name] = kMissing;
    return;
  }
  const std::unique_ptr<ModelRegistry> registry = open_registry(workflow.settings);
  const ModelVersion version =
      resolve_model_version(*registry, workflow.registry.model, workflow.predict.model);
  fingerprint.inputs[name] = fmt::format(
      "v{}:{}:{}", version.version, file_hash_or_missing(version.artifact_dir + "/model.json"),
      file_hash_or_missing(version.artifact_dir + "/feature_state.json"));
}

void add_all_differences(const std::map<std::string, std::string>& before,
                         const std::map<std::string, std::string>& now,
                         std::vector<std::string>& out) {
  for (const auto& [key, hash] : before) {
    const auto found = now.find(key);
    if (found == now.end() || found->second != hash) out.push_back(key);
  }
  for (const auto& [key, hash] : now) {
    if (!before.count(key)) out.push_back(key);
  }
  std::sort(out.begin(), out.end());
}

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

}  // namespace

json StageFingerprint::to_json() const {
  return {{"code", code}, {"config_hash", config_hash()}, {"config", config}, {"inputs", inputs}};
}

std::optional<StageFingerprint> StageFingerprint::from_json(const json& value) {
  if (!value.is_object() || !value.contains("code") || !value["code"].is_string()) {
    return std::nullopt;
  }
  StageFingerprint fingerprint;
  fingerprint.code = value["code"].get<std::string>();
  try {
    if (value.contains("config")) {
      fingerprint.config = value["config"].get<std::map<std::string, std::string>>();
    }
    if (value.contains("inputs")) {
      fingerprint.inputs = value["inputs"].get<std::map<std::string, std::string>>();
    }
  } catch (const json::exception&) {
    return std::nullopt;  // a hand-edited manifest: not a fingerprint to trust
  }
  return fingerprint;
}

std::string StageFingerprint::config_hash() const {
  std::string text;
  for (const auto& [key, hash] : config) text += key + "=" + hash + "\n";
  return hash_bytes(text);
}

FingerprintChanges compare_fingerprints(const StageFingerprint& before,
                                        const StageFingerprint& now) {
  FingerprintChanges changes;
  changes.code = before.code != now.code;
  add_all_differences(before.config, now.config, changes.config_keys);
  add_all_differences(before.inputs, now.inputs, changes.inputs);
  return changes;
}

std::vector<std::string> FingerprintChanges::describe(const StageFingerprint& before,
                                                      const StageFingerprint& now) const {
  std::vector<std::string> lines;
  if (code) lines.push_back(fmt::format("code version changed ({} -> {})", before.code, now.code));
  if (!config_keys.empty()) lines.push_back("config changed: " + joined(config_keys));
  if (!inputs.empty()) lines.push_back("input changed: " + joined(inputs));
  return lines;
}

std::string code_identity() {
  static const std::string identity = [] {
    std::string build;
    try {
      build = hash_file("/proc/self/exe").substr(0, 16);
    } catch (const Error&) {
      build = "unknown";  // no /proc: the version alone
    }
    return fmt::format("{}+{}", kVersion, build);
  }();
  return identity;
}

std::map<std::string, std::string> stage_config(const ConfigNode& tree, Stage stage) {
  std::map<std::string, std::string> out;
  const ConfigScope scope = config_scope(stage);
  for (const std::string& key : scope.keys) {
    if (const ConfigNode* node = tree.find_path(key)) {
      bool secret = false;
      for (size_t start = 0; start <= key.size();) {
        const size_t dot = std::min(key.find('.', start), key.size());
        secret = secret || is_secret_key(key.substr(start, dot - start));
        start = dot + 1;
      }
      flatten(*node, key, secret, scope.ignored, out);
    }
  }
  return out;
}

StageFingerprint stage_fingerprint(const Workflow& workflow, Stage stage,
                                   const RunRootOf& run_root_of) {
  StageFingerprint fingerprint;
  fingerprint.code = code_identity();
  fingerprint.config = stage_config(workflow.tree, stage);
  switch (stage) {
    case Stage::kIngest:
      if (workflow.ingest.rebuild) fingerprint.always_runs = "--rebuild replays the raw layer";
      add_sources(workflow, fingerprint);
      break;
    case Stage::kFeaturize:
      if (workflow.featurize.source.type == "historical") {
        add_joined_views(workflow, workflow.featurize.source.entities, fingerprint);
      } else {
        add_run_file(fingerprint.inputs, run_root_of, Stage::kIngest, "clean.csv");
      }
      break;
    case Stage::kValidate:
    case Stage::kTrain:
      add_run_file(fingerprint.inputs, run_root_of, Stage::kFeaturize, "features.csv");
      add_run_file(fingerprint.inputs, run_root_of, Stage::kFeaturize, "feature_state.json");
      // train records the clean table's types as the model's input schema
      if (stage == Stage::kTrain) {
        add_run_file(fingerprint.inputs, run_root_of, Stage::kIngest, "clean.csv");
      }
      break;
    case Stage::kBatchPredict:
      if (workflow.featurize.source.type == "historical") {
        add_joined_views(workflow,
                         workflow.predict.input.empty() ? workflow.featurize.source.entities
                                                        : workflow.predict.input,
                         fingerprint);
      } else if (workflow.predict.input.empty()) {
        add_run_file(fingerprint.inputs, run_root_of, Stage::kIngest, "clean.csv");
      } else {
        add_file(fingerprint.inputs, "input " + workflow.predict.input, workflow.predict.input);
      }
      add_model(workflow, fingerprint);
      break;
    case Stage::kReport: fingerprint.always_runs = "export-report always runs (it is cheap)"; break;
  }
  add_contract(workflow, stage, fingerprint);
  return fingerprint;
}

}  // namespace mlops

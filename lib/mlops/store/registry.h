#pragma once
// The model registry: numbered versions of each model with their lineage, and aliases
// (`champion`, `challenger`, any name) whose every change is kept in an append-only history.
// SQLite is the embedded backend (store/sqlite/); the interface is what a PostgreSQL backend
// implements.

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace mlops {

struct ModelVersion {
  std::string model;
  int version = 0;
  std::string run_id;        // the run that trained it
  std::string created_at;    // ISO 8601 UTC
  std::string artifact_dir;  // model.json, feature_state.json, model_meta.json, metrics ...
  std::map<std::string, double> metrics;  // holdout metrics
  nlohmann::json meta;                    // model_meta.json: lineage (hashes, git commit, params)
};

/// One change of an alias: who held it before and after, how and why.
struct AliasChange {
  int64_t id = 0;
  std::string model;
  std::string alias;
  int version = 0;           // the holder after the change
  int previous_version = 0;  // the holder before; 0 when the alias was new
  std::string action;        // gate | promote | rollback
  std::string reason;
  std::string changed_at;
};

class ModelRegistry {
 public:
  virtual ~ModelRegistry() = default;

  /// Registers the artifact directory's files as the model's next version: they are copied
  /// into the registry's own folder first, so deleting the run does not lose the model.
  virtual ModelVersion register_version(const std::string& model, const std::string& run_id,
                                        const std::string& artifact_dir,
                                        const std::map<std::string, double>& metrics,
                                        const nlohmann::json& meta) = 0;
  virtual std::vector<std::string> models() = 0;
  /// Versions in ascending order.
  virtual std::vector<ModelVersion> versions(const std::string& model) = 0;
  virtual std::optional<ModelVersion> find_version(const std::string& model, int version) = 0;
  /// alias -> version, current holders only.
  virtual std::map<std::string, int> aliases(const std::string& model) = 0;
  /// Points the alias at the version and appends the change to the history. Throws
  /// ConfigError for an unknown version.
  virtual AliasChange set_alias(const std::string& model, const std::string& alias, int version,
                                const std::string& action, const std::string& reason) = 0;
  /// Compare-and-set: points the alias at `version` only if its holder is still `expected` (0:
  /// no holder), in one transaction; nullopt when another writer got there first.
  virtual std::optional<AliasChange> set_alias_if(const std::string& model,
                                                  const std::string& alias, int version,
                                                  int expected, const std::string& action,
                                                  const std::string& reason) = 0;
  /// The alias's history (every alias when empty), oldest first.
  virtual std::vector<AliasChange> alias_history(const std::string& model,
                                                 const std::string& alias = "") = 0;
};

/// Metrics as JSON, NaN and infinities as null (JSON has no NaN).
nlohmann::json metrics_json(const std::map<std::string, double>& metrics);

/// Throws ConfigError unless `alias` is usable: not empty and not looking like a version ("3",
/// "v3").
void check_alias_name(const std::string& alias);

/// Throws ConfigError naming the registered models unless `model` has a version.
void require_model(ModelRegistry& registry, const std::string& model);

/// A version by reference: a number ("3"), "v3", or an alias ("champion"). Throws ConfigError
/// naming the model's versions and aliases when it does not resolve.
ModelVersion resolve_model_version(ModelRegistry& registry, const std::string& model,
                                   const std::string& reference);

/// The version `rollback` restores for the alias: walking its history back, the most recent
/// holder other than the current one that did not itself lose the alias to a rollback.
/// nullopt when there is none.
std::optional<int> rollback_target(const std::vector<AliasChange>& history, int current);

/// `mlops models rollback`: gives the alias back to its rollback_target and records the change
/// (action "rollback", `reason` or "rollback from v<N>"); the returned change holds the version
/// left (previous_version) and the one restored (version). The alias moves only if no other
/// writer moved it meanwhile (otherwise the choice is made again). Throws ConfigError for an
/// unknown model (naming the registered ones), an alias the model does not have, or an alias
/// that had no other holder to go back to.
AliasChange roll_back_alias(ModelRegistry& registry, const std::string& model,
                            const std::string& alias, const std::string& reason);

}  // namespace mlops

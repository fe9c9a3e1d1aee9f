#pragma once
// What `mlops models` prints: version lists, one version in full, the difference of two
// versions, alias history; each as data (JSON) and as text for a terminal.

#include <nlohmann/json.hpp>
#include <string>

#include "mlops/store/registry.h"

namespace mlops {

/// Every version of the model (every model when empty), newest last, with its aliases.
/// Throws ConfigError for an unknown model, naming the registered ones.
nlohmann::json list_versions(ModelRegistry& registry, const std::string& model);
std::string format_version_list(const nlohmann::json& list);

/// One version: lineage, metrics, artifact folder, aliases it holds and their history.
nlohmann::json show_version(ModelRegistry& registry, const ModelVersion& version);
std::string format_version(const nlohmann::json& shown);

/// What differs between two versions: metrics (with deltas), parameters, features, lineage.
nlohmann::json diff_versions(const ModelVersion& a, const ModelVersion& b);
std::string format_diff(const nlohmann::json& diff);

/// The alias history (every alias when empty), oldest first.
nlohmann::json alias_history_json(const std::vector<AliasChange>& history);
std::string format_history(const nlohmann::json& history);

}  // namespace mlops

#pragma once
// What `mlops features get | list | describe` compute and print: lookups by entity key in the
// online store, and the catalog of a workflow's views with what the store holds of each.
// Text for people, JSON (nlohmann) for programs; the CLI only chooses.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "mlops/config/workflow.h"
#include "mlops/store/online_store.h"

namespace mlops {

/// One requested entity: its key columns' values (in the entity's key order) and the text the
/// store knows it by.
struct EntityKeyRequest {
  std::vector<std::pair<std::string, std::string>> parts;  // column -> value as given
  std::string text;                                        // entity_key_text of the values
};

/// Parses `col=value[,col=value]` for `entity`: every key column exactly once, int64 keys
/// integers. Throws ConfigError naming the column (with "did you mean") or the value.
EntityKeyRequest parse_entity_key(const EntitySpec& entity, std::string_view text);

/// A view of the workflow, or ConfigError with "did you mean" among its views.
const FeatureViewSpec& find_feature_view(const Workflow& workflow, std::string_view name);

struct FeatureLookup {
  std::string view;
  std::vector<EntityKeyRequest> keys;
  std::vector<DType> key_types;     // of the entity's key columns, for JSON
  std::vector<OnlineLookup> found;  // one per key
};

/// Looks every key up in one call, judging staleness by the view's ttl.
FeatureLookup lookup_features(const Workflow& workflow, OnlineStore& store, std::string_view view,
                              std::span<const std::string> key_texts, int64_t now_us = 0);

nlohmann::json lookup_json(const FeatureLookup& lookup);
std::string format_lookup(const FeatureLookup& lookup);

/// A view as declared, with what the store holds of it (nullopt: never materialized).
struct ViewCatalogEntry {
  const FeatureViewSpec* spec = nullptr;
  std::optional<OnlineViewInfo> stored;
};

std::vector<ViewCatalogEntry> feature_catalog(const Workflow& workflow, OnlineStore& store);

nlohmann::json catalog_json(const Workflow& workflow, const std::vector<ViewCatalogEntry>& views);
std::string format_catalog(const std::vector<ViewCatalogEntry>& views);

nlohmann::json describe_json(const Workflow& workflow, const ViewCatalogEntry& view);
std::string format_describe(const Workflow& workflow, const ViewCatalogEntry& view);

/// A FeatureValue as JSON: numbers, true/false, strings, ISO timestamps, null.
nlohmann::json feature_value_json(const FeatureValue& value);

}  // namespace mlops

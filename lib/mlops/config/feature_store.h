#pragma once
// The feature store's declarations in a workflow: `entities` and `feature_views` (Feast's
// Entity and FeatureView), read and checked whole at load like every other key. The joins,
// the online store and materialization read these structs (features/, store/).

#include <cstdint>
#include <string>
#include <vector>

#include "mlops/config/node.h"
#include "mlops/core/table.h"

namespace mlops {

/// One key column of an entity.
struct EntityKey {
  std::string column;
  DType type = DType::kString;  // int64 or string
};

/// What features are looked up by (a user, an airport): its key columns.
struct EntitySpec {
  std::string name;
  std::vector<EntityKey> keys;
  std::string description;
  std::string origin;  // "workflow.yaml:12:5", for messages
};

/// Where a view's rows come from.
struct ViewSource {
  enum class Kind { kLakeTable, kFeaturize, kPredictions };
  Kind kind = Kind::kLakeTable;
  std::string workflow;  // kLakeTable: the workflow whose lake holds the table ("" = this one)
  std::string table;     // kLakeTable: the clean table
};

/// One feature of a view: a column, or an expression evaluated per row.
struct ViewFeature {
  std::string name;
  std::string expr;  // "" = the column `name` as it is
};

struct FeatureViewSpec {
  std::string name;
  std::string entity;
  ViewSource source;
  std::string event_time;             // predictions: "scored_at"
  std::vector<ViewFeature> features;  // empty = every column but the keys and the event time
  int64_t ttl_us = 0;                 // 0 = values never expire
  bool online = true;
  std::string description;
  std::string origin;
};

struct FeatureStoreSpec {
  std::vector<EntitySpec> entities;
  std::vector<FeatureViewSpec> views;

  /// The entity or view named so, or nullptr.
  const EntitySpec* entity(std::string_view name) const;
  const FeatureViewSpec* view(std::string_view name) const;
};

/// Reads `entities` and `feature_views` of a workflow's tree. Throws ConfigError naming the
/// origin and key: a missing name, entity, source or event_time; two entities or views with one
/// name; a view of an unknown entity, an unknown source kind, a bad ttl or key type (with "did
/// you mean" where a name was meant).
FeatureStoreSpec read_feature_store(const ConfigNode& tree);

}  // namespace mlops

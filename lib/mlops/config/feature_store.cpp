// read_feature_store: `entities` and `feature_views` into typed specs, every mistake named by
// file, line and key.

#include "mlops/config/feature_store.h"

#include "mlops/core/duration.h"
#include "mlops/core/error.h"
#include "mlops/core/suggest.h"

namespace mlops {
namespace {

// The items of a map-or-list key (`entities: {name: ...}` is one item).
std::vector<const ConfigNode*> items_of(const ConfigNode* node) {
  std::vector<const ConfigNode*> items;
  if (!node || node->is_null()) return items;
  if (node->is_map()) {
    items.push_back(node);
  } else {
    for (const auto& item : node->items()) items.push_back(&item);
  }
  return items;
}

std::string text_of(const ConfigNode& map, const char* name, const std::string& key) {
  const ConfigNode* node = map.get(name);
  return node && !node->is_null() ? node->as_string(key + "." + name) : std::string();
}

std::string required_text(const ConfigNode& map, const char* name, const std::string& key) {
  std::string text = text_of(map, name, key);
  if (text.empty()) {
    throw ConfigError("{}: key '{}.{}' is required", map.origin().describe(), key, name);
  }
  return text;
}

// "entities[1]" for a list item, "entities" for the map form.
std::string item_key(const char* key, const ConfigNode* list, size_t index) {
  return list->is_map() ? std::string(key) : fmt::format("{}[{}]", key, index);
}

EntityKey read_entity_key(const std::string& column, const ConfigNode* type,
                          const std::string& key) {
  EntityKey entity_key{column, DType::kString};
  if (!type || type->is_null()) return entity_key;
  const std::string name = type->as_string(key);
  static const std::vector<std::string> kKeyTypes{"int", "string"};
  if (name == "int" || name == "int64") {
    entity_key.type = DType::kInt64;
  } else if (name != "string") {
    throw ConfigError("{}: key '{}': an entity key is int or string, got '{}'{}",
                      type->origin().describe(), key, name, did_you_mean(name, kKeyTypes));
  }
  return entity_key;
}

EntitySpec read_entity(const ConfigNode& map, const std::string& key) {
  EntitySpec entity;
  entity.origin = map.origin().describe();
  entity.name = required_text(map, "name", key);
  entity.description = text_of(map, "description", key);
  const ConfigNode* keys = map.get("keys");
  const std::string keys_key = key + ".keys";
  if (!keys || keys->is_null()) {
    throw ConfigError("{}: key '{}' is required", map.origin().describe(), keys_key);
  }
  if (keys->is_map()) {
    for (const auto& [column, type] : keys->entries()) {
      entity.keys.push_back(read_entity_key(column, &type, keys_key + "." + column));
    }
  } else {
    for (const std::string& column : keys->as_string_list(keys_key)) {
      entity.keys.push_back({column, DType::kString});
    }
  }
  if (entity.keys.empty()) {
    throw ConfigError("{}: key '{}': an entity needs at least one key column",
                      keys->origin().describe(), keys_key);
  }
  return entity;
}

ViewSource read_view_source(const ConfigNode& map, const std::string& key) {
  const ConfigNode* node = map.get("source");
  const std::string source_key = key + ".source";
  if (!node || node->is_null()) {
    throw ConfigError("{}: key '{}' is required", map.origin().describe(), source_key);
  }
  ViewSource source;
  if (node->is_scalar()) {
    static const std::vector<std::string> kKinds{"featurize", "predictions"};
    const std::string& kind = node->text();
    if (kind == "featurize") {
      source.kind = ViewSource::Kind::kFeaturize;
    } else if (kind == "predictions") {
      source.kind = ViewSource::Kind::kPredictions;
    } else {
      throw ConfigError(
          "{}: key '{}': expected featurize, predictions or a map {{table: T}}, got '{}'{}",
          node->origin().describe(), source_key, kind, did_you_mean(kind, kKinds));
    }
    return source;
  }
  if (!node->is_map()) {
    throw ConfigError("{}: key '{}': expected featurize, predictions or a map {{table: T}}",
                      node->origin().describe(), source_key);
  }
  static const std::vector<std::string> kSourceKeys{"table", "workflow"};
  for (const auto& [name, value] : node->entries()) {
    if (name != "table" && name != "workflow") {
      throw ConfigError("{}: unknown key '{}.{}'{}", value.origin().describe(), source_key, name,
                        did_you_mean(name, kSourceKeys));
    }
  }
  source.table = required_text(*node, "table", source_key);
  source.workflow = text_of(*node, "workflow", source_key);
  return source;
}

std::vector<ViewFeature> read_view_features(const ConfigNode& map, const std::string& key) {
  std::vector<ViewFeature> features;
  const ConfigNode* node = map.get("features");
  const std::string features_key = key + ".features";
  if (!node || node->is_null()) return features;
  if (!node->is_sequence()) {
    throw ConfigError("{}: key '{}': expected a list of column names or {{name, expr}} maps",
                      node->origin().describe(), features_key);
  }
  for (size_t i = 0; i < node->items().size(); ++i) {
    const ConfigNode& item = node->items()[i];
    const std::string item_key = fmt::format("{}[{}]", features_key, i);
    ViewFeature feature;
    if (item.is_scalar()) {
      feature.name = item.text();
    } else if (item.is_map()) {
      static const std::vector<std::string> kFeatureKeys{"name", "expr"};
      for (const auto& [name, value] : item.entries()) {
        if (name != "name" && name != "expr") {
          throw ConfigError("{}: unknown key '{}.{}'{}", value.origin().describe(), item_key, name,
                            did_you_mean(name, kFeatureKeys));
        }
      }
      feature.name = required_text(item, "name", item_key);
      feature.expr = text_of(item, "expr", item_key);
    } else {
      throw ConfigError("{}: key '{}': expected a column name or a {{name, expr}} map",
                        item.origin().describe(), item_key);
    }
    if (feature.name.empty()) {
      throw ConfigError("{}: key '{}': empty feature name", item.origin().describe(), item_key);
    }
    for (const auto& earlier : features) {
      if (earlier.name == feature.name) {
        throw ConfigError("{}: key '{}': feature '{}' is listed twice", item.origin().describe(),
                          item_key, feature.name);
      }
    }
    features.push_back(std::move(feature));
  }
  return features;
}

FeatureViewSpec read_view(const ConfigNode& map, const std::string& key,
                          const std::vector<EntitySpec>& entities) {
  FeatureViewSpec view;
  view.origin = map.origin().describe();
  view.name = required_text(map, "name", key);
  view.description = text_of(map, "description", key);
  view.entity = required_text(map, "entity", key);
  bool known = false;
  std::vector<std::string> entity_names;
  for (const auto& entity : entities) {
    known = known || entity.name == view.entity;
    entity_names.push_back(entity.name);
  }
  if (!known) {
    throw ConfigError("{}: key '{}.entity': unknown entity '{}'{}",
                      map.get("entity")->origin().describe(), key, view.entity,
                      entity_names.empty() ? std::string(" (declare it under `entities`)")
                                           : did_you_mean(view.entity, entity_names));
  }
  view.source = read_view_source(map, key);
  view.event_time = text_of(map, "event_time", key);
  if (view.source.kind == ViewSource::Kind::kPredictions) {
    if (view.event_time.empty()) view.event_time = "scored_at";
  } else if (view.event_time.empty()) {
    throw ConfigError("{}: key '{}.event_time' is required", map.origin().describe(), key);
  }
  view.features = read_view_features(map, key);
  const std::string ttl = text_of(map, "ttl", key);
  if (!ttl.empty()) {
    std::optional<int64_t> us = parse_duration(ttl);
    if (!us) {
      throw ConfigError("{}: key '{}.ttl': '{}' is not a duration (90s, 30m, 12h, 7d, 2w)",
                        map.get("ttl")->origin().describe(), key, ttl);
    }
    view.ttl_us = *us;
  }
  if (const ConfigNode* online = map.get("online"); online && !online->is_null()) {
    view.online = online->as_bool(key + ".online");
  }
  return view;
}

}  // namespace

const EntitySpec* FeatureStoreSpec::entity(std::string_view name) const {
  for (const auto& entity : entities) {
    if (entity.name == name) return &entity;
  }
  return nullptr;
}

const FeatureViewSpec* FeatureStoreSpec::view(std::string_view name) const {
  for (const auto& view : views) {
    if (view.name == name) return &view;
  }
  return nullptr;
}

FeatureStoreSpec read_feature_store(const ConfigNode& tree) {
  FeatureStoreSpec spec;
  const ConfigNode* entities = tree.find_path("entities");
  const auto entity_items = items_of(entities);
  for (size_t i = 0; i < entity_items.size(); ++i) {
    const std::string key = item_key("entities", entities, i);
    EntitySpec entity = read_entity(*entity_items[i], key);
    if (spec.entity(entity.name)) {
      throw ConfigError("{}: key '{}.name': two entities are named '{}'", entity.origin, key,
                        entity.name);
    }
    spec.entities.push_back(std::move(entity));
  }
  const ConfigNode* views = tree.find_path("feature_views");
  const auto view_items = items_of(views);
  for (size_t i = 0; i < view_items.size(); ++i) {
    const std::string key = item_key("feature_views", views, i);
    FeatureViewSpec view = read_view(*view_items[i], key, spec.entities);
    if (spec.view(view.name)) {
      throw ConfigError("{}: key '{}.name': two feature views are named '{}'", view.origin, key,
                        view.name);
    }
    spec.views.push_back(std::move(view));
  }
  return spec;
}

}  // namespace mlops

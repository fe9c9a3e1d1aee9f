#include "mlops/feature_store/online_lookup.h"

#include <fmt/format.h>

#include <charconv>
#include <cmath>

#include "mlops/core/error.h"
#include "mlops/core/suggest.h"
#include "mlops/core/time.h"
#include "mlops/feature_store/view_rows.h"

namespace mlops {

namespace {

std::string source_text(const FeatureViewSpec& view) {
  switch (view.source.kind) {
    case ViewSource::Kind::kFeaturize: return "featurize";
    case ViewSource::Kind::kPredictions: return "predictions";
    case ViewSource::Kind::kLakeTable: break;
  }
  return view.source.workflow.empty()
             ? "table " + view.source.table
             : "table " + view.source.table + " of workflow " + view.source.workflow;
}

std::string time_text(const std::optional<int64_t>& micros) {
  return micros ? format_iso8601(*micros) : "-";
}

nlohmann::json time_json(const std::optional<int64_t>& micros) {
  return micros ? nlohmann::json(format_iso8601(*micros)) : nlohmann::json(nullptr);
}

std::string ttl_text(int64_t ttl_us) {
  if (ttl_us == 0) return "none";
  if (ttl_us % 86'400'000'000 == 0) return fmt::format("{}d", ttl_us / 86'400'000'000);
  if (ttl_us % 3'600'000'000 == 0) return fmt::format("{}h", ttl_us / 3'600'000'000);
  if (ttl_us % 60'000'000 == 0) return fmt::format("{}m", ttl_us / 60'000'000);
  return fmt::format("{}s", static_cast<double>(ttl_us) / 1e6);
}

}  // namespace

const FeatureViewSpec& find_feature_view(const Workflow& workflow, std::string_view name) {
  if (const FeatureViewSpec* view = workflow.feature_store.view(name)) return *view;
  std::vector<std::string> names;
  for (const FeatureViewSpec& view : workflow.feature_store.views) names.push_back(view.name);
  throw ConfigError(
      "workflow '{}' has no feature view '{}'{}", workflow.name, name,
      names.empty() ? std::string(" (it declares no feature_views)") : did_you_mean(name, names));
}

EntityKeyRequest parse_entity_key(const EntitySpec& entity, std::string_view text) {
  std::vector<std::string> names;
  for (const EntityKey& key : entity.keys) names.push_back(key.column);
  std::vector<std::optional<std::string>> values(entity.keys.size());
  std::string_view rest = text;
  while (true) {
    const size_t comma = rest.find(',');
    const std::string_view pair = rest.substr(0, comma);
    const size_t eq = pair.find('=');
    if (eq == std::string_view::npos || eq == 0) {
      throw ConfigError("--key '{}': expected COLUMN=VALUE (entity '{}' is keyed by {})", text,
                        entity.name, fmt::join(names, ", "));
    }
    const std::string column(pair.substr(0, eq));
    const auto found = std::find(names.begin(), names.end(), column);
    if (found == names.end()) {
      throw ConfigError("--key '{}': entity '{}' has no key column '{}'{}", text, entity.name,
                        column, did_you_mean(column, names));
    }
    const auto index = static_cast<size_t>(found - names.begin());
    if (values[index]) {
      // `flight_id=71,flight_id=72` looked up 72 alone, silently.
      throw ConfigError("--key '{}': key column '{}' given twice", text, column);
    }
    std::string value(pair.substr(eq + 1));
    if (entity.keys[index].type == DType::kInt64) {
      int64_t number = 0;
      const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), number);
      if (value.empty() || error != std::errc() || end != value.data() + value.size()) {
        throw ConfigError("--key '{}': key column '{}' is an integer, not '{}'", text, column,
                          value);
      }
      value = std::to_string(number);
    }
    values[index] = std::move(value);
    if (comma == std::string_view::npos) break;
    rest = rest.substr(comma + 1);
  }
  EntityKeyRequest request;
  std::vector<std::string> parts;
  for (size_t i = 0; i < values.size(); ++i) {
    if (!values[i]) {
      throw ConfigError("--key '{}': entity '{}' needs every key column: missing '{}'", text,
                        entity.name, names[i]);
    }
    request.parts.emplace_back(names[i], *values[i]);
    parts.push_back(*values[i]);
  }
  request.text = entity_key_text(parts);
  return request;
}

FeatureLookup lookup_features(const Workflow& workflow, OnlineStore& store, std::string_view view,
                              std::span<const std::string> key_texts, int64_t now_us) {
  const FeatureViewSpec& spec = find_feature_view(workflow, view);
  const EntitySpec& entity = view_entity(workflow, spec);
  FeatureLookup lookup;
  lookup.view = spec.name;
  for (const EntityKey& key : entity.keys) lookup.key_types.push_back(key.type);
  std::vector<std::string> texts;
  for (const std::string& text : key_texts) {
    lookup.keys.push_back(parse_entity_key(entity, text));
    texts.push_back(lookup.keys.back().text);
  }
  lookup.found = store.read(spec.name, texts, {.ttl_us = spec.ttl_us, .now_us = now_us});
  return lookup;
}

nlohmann::json feature_value_json(const FeatureValue& value) {
  if (const auto* v = std::get_if<int64_t>(&value)) return *v;
  if (const auto* d = std::get_if<double>(&value)) {
    return std::isfinite(*d) ? nlohmann::json(*d) : nlohmann::json(nullptr);
  }
  if (const auto* b = std::get_if<bool>(&value)) return *b;
  if (const auto* s = std::get_if<std::string>(&value)) return *s;
  if (const auto* t = std::get_if<TimestampValue>(&value)) return format_iso8601(t->micros);
  return nullptr;
}

nlohmann::json lookup_json(const FeatureLookup& lookup) {
  nlohmann::json results = nlohmann::json::array();
  for (size_t i = 0; i < lookup.keys.size(); ++i) {
    nlohmann::json key = nlohmann::json::object();
    const auto& parts = lookup.keys[i].parts;
    for (size_t k = 0; k < parts.size(); ++k) {
      const bool integer = k < lookup.key_types.size() && lookup.key_types[k] == DType::kInt64;
      // parse_entity_key checked that an integer key's value is one.
      key[parts[k].first] =
          integer ? nlohmann::json(std::stoll(parts[k].second)) : nlohmann::json(parts[k].second);
    }
    const OnlineLookup& found = lookup.found[i];
    nlohmann::json result{{"key", key}, {"found", found.found}};
    if (found.found) {
      result["stale"] = found.stale;
      result["event_time"] = format_iso8601(found.event_time_us);
      result["written_at"] = format_iso8601(found.write_time_us);
      nlohmann::json features = nlohmann::json::object();
      for (size_t c = 0; c < found.columns.size(); ++c) {
        features[found.columns[c]] = feature_value_json(found.values[c]);
      }
      result["features"] = std::move(features);
    }
    results.push_back(std::move(result));
  }
  return {{"view", lookup.view}, {"results", std::move(results)}};
}

std::string format_lookup(const FeatureLookup& lookup) {
  std::string out;
  for (size_t i = 0; i < lookup.keys.size(); ++i) {
    std::vector<std::string> parts;
    for (const auto& part : lookup.keys[i].parts) parts.push_back(part.first + "=" + part.second);
    const OnlineLookup& found = lookup.found[i];
    out += fmt::format("{} {}: ", lookup.view, fmt::join(parts, ","));
    if (!found.found) {
      out += "not found\n";
      continue;
    }
    out += fmt::format("event time {}{}\n", format_iso8601(found.event_time_us),
                       found.stale ? " (stale: older than the view's ttl)" : "");
    for (size_t c = 0; c < found.columns.size(); ++c) {
      out += fmt::format("  {} = {}\n", found.columns[c], feature_value_text(found.values[c]));
    }
  }
  return out;
}

std::vector<ViewCatalogEntry> feature_catalog(const Workflow& workflow, OnlineStore& store) {
  std::vector<ViewCatalogEntry> out;
  for (const FeatureViewSpec& view : workflow.feature_store.views) {
    out.push_back({&view, view.online ? store.view(view.name) : std::nullopt});
  }
  return out;
}

nlohmann::json describe_json(const Workflow& workflow, const ViewCatalogEntry& entry) {
  const FeatureViewSpec& view = *entry.spec;
  const EntitySpec& entity = view_entity(workflow, view);
  nlohmann::json keys = nlohmann::json::array();
  for (const EntityKey& key : entity.keys) {
    keys.push_back({{"name", key.column}, {"type", std::string(dtype_name(key.type))}});
  }
  nlohmann::json columns = nlohmann::json::array();
  if (entry.stored && !entry.stored->schema.columns.empty()) {
    for (const OnlineColumn& column : entry.stored->schema.columns) {
      columns.push_back({{"name", column.name}, {"type", std::string(dtype_name(column.type))}});
    }
  } else {
    for (const ViewFeature& feature : view.features) {
      columns.push_back({{"name", feature.name}, {"type", nullptr}});
    }
  }
  nlohmann::json out{{"view", view.name},
                     {"entity", entity.name},
                     {"keys", keys},
                     {"source", source_text(view)},
                     {"event_time", view.event_time},
                     {"ttl_s", static_cast<double>(view.ttl_us) / 1e6},
                     {"online", view.online},
                     {"columns", columns},
                     {"materialized", entry.stored.has_value()}};
  const OnlineViewInfo* stored = entry.stored ? &*entry.stored : nullptr;
  out["rows"] = stored ? stored->keys : 0;
  out["latest_event_time"] = time_json(stored ? stored->latest_event_us : std::nullopt);
  out["watermark"] = time_json(stored ? stored->watermark_us : std::nullopt);
  if (stored && stored->last_materialization) {
    const MaterializationRecord& last = *stored->last_materialization;
    out["last_materialization"] = {{"finished_at", format_iso8601(last.finished_at_us)},
                                   {"rows_read", last.rows_read},
                                   {"keys_written", last.keys_written},
                                   {"seconds", last.seconds}};
  } else {
    out["last_materialization"] = nullptr;
  }
  return out;
}

nlohmann::json catalog_json(const Workflow& workflow, const std::vector<ViewCatalogEntry>& views) {
  nlohmann::json out = nlohmann::json::array();
  for (const ViewCatalogEntry& entry : views) out.push_back(describe_json(workflow, entry));
  return {{"workflow", workflow.name}, {"views", out}};
}

std::string format_catalog(const std::vector<ViewCatalogEntry>& views) {
  if (views.empty()) return "no feature views declared (feature_views in the workflow)\n";
  std::string out = fmt::format("{:<24} {:<16} {:<7} {:>10}  {:<20}  {}\n", "VIEW", "ENTITY",
                                "ONLINE", "KEYS", "LATEST EVENT", "MATERIALIZED");
  for (const ViewCatalogEntry& entry : views) {
    const OnlineViewInfo* stored = entry.stored ? &*entry.stored : nullptr;
    out += fmt::format("{:<24} {:<16} {:<7} {:>10}  {:<20}  {}\n", entry.spec->name,
                       entry.spec->entity, entry.spec->online ? "yes" : "no",
                       stored ? std::to_string(stored->keys) : "-",
                       time_text(stored ? stored->latest_event_us : std::nullopt),
                       stored && stored->last_materialization
                           ? format_iso8601(stored->last_materialization->finished_at_us)
                           : std::string("never"));
  }
  return out;
}

std::string format_describe(const Workflow& workflow, const ViewCatalogEntry& entry) {
  const nlohmann::json facts = describe_json(workflow, entry);
  const FeatureViewSpec& view = *entry.spec;
  std::vector<std::string> keys;
  for (const auto& key : facts["keys"]) {
    keys.push_back(key["name"].get<std::string>() + " (" + key["type"].get<std::string>() + ")");
  }
  std::string out = fmt::format("view:          {}\n", view.name);
  out += fmt::format("entity:        {} keyed by {}\n", facts["entity"].get<std::string>(),
                     fmt::join(keys, ", "));
  out += fmt::format("source:        {}\n", source_text(view));
  out +=
      fmt::format("event time:    {}\n", view.event_time.empty() ? "scored_at" : view.event_time);
  out += fmt::format("ttl:           {}\n", ttl_text(view.ttl_us));
  out += fmt::format("online:        {}\n", view.online ? "yes" : "no");
  out += "columns:\n";
  for (const auto& column : facts["columns"]) {
    out += fmt::format(
        "  {:<20} {}\n", column["name"].get<std::string>(),
        column["type"].is_null() ? "(not materialized yet)" : column["type"].get<std::string>());
  }
  const OnlineViewInfo* stored = entry.stored ? &*entry.stored : nullptr;
  out += fmt::format("rows:          {}\n", stored ? stored->keys : 0);
  out += fmt::format("latest event:  {}\n",
                     time_text(stored ? stored->latest_event_us : std::nullopt));
  out +=
      fmt::format("watermark:     {}\n", time_text(stored ? stored->watermark_us : std::nullopt));
  if (stored && stored->last_materialization) {
    const MaterializationRecord& last = *stored->last_materialization;
    out += fmt::format("materialized:  {} ({} rows read, {} keys written, {:.2f} s)\n",
                       format_iso8601(last.finished_at_us), last.rows_read, last.keys_written,
                       last.seconds);
  } else {
    out += "materialized:  never (mlops materialize)\n";
  }
  return out;
}

}  // namespace mlops

#include "mlops/store/registry_views.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cmath>
#include <set>

#include "mlops/core/error.h"

namespace mlops {

namespace {

std::string number_text(const nlohmann::json& value) {
  if (value.is_number()) return fmt::format("{:.6g}", value.get<double>());
  if (value.is_null()) return "-";
  return value.is_string() ? value.get<std::string>() : value.dump();
}

std::vector<std::string> aliases_of(const std::map<std::string, int>& aliases, int version) {
  std::vector<std::string> held;
  for (const auto& [alias, number] : aliases) {
    if (number == version) held.push_back(alias);
  }
  return held;
}

/// Pads each column to its widest cell.
std::string format_rows(const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> widths;
  for (const auto& row : rows) {
    widths.resize(std::max(widths.size(), row.size()));
    for (size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], row[i].size());
  }
  std::string out;
  for (const auto& row : rows) {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) {
      line += i + 1 == row.size() ? row[i] : fmt::format("{:<{}}  ", row[i], widths[i]);
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  }
  return out;
}

}  // namespace

nlohmann::json list_versions(ModelRegistry& registry, const std::string& model) {
  std::vector<std::string> models = model.empty() ? registry.models() : std::vector{model};
  nlohmann::json list = nlohmann::json::array();
  for (const auto& name : models) {
    const auto aliases = registry.aliases(name);
    for (const auto& version : registry.versions(name)) {
      list.push_back({{"model", name},
                      {"version", version.version},
                      {"aliases", aliases_of(aliases, version.version)},
                      {"created_at", version.created_at},
                      {"run_id", version.run_id},
                      {"metrics", metrics_json(version.metrics)}});
    }
  }
  if (!model.empty() && list.empty()) require_model(registry, model);  // names what exists
  return list;
}

std::string format_version_list(const nlohmann::json& list) {
  if (list.empty()) return "no registered models\n";
  std::vector<std::vector<std::string>> rows{
      {"MODEL", "VERSION", "ALIASES", "CREATED", "RUN", "HOLDOUT METRICS"}};
  for (const auto& entry : list) {
    std::vector<std::string> metrics;
    for (const auto& [name, value] : entry["metrics"].items()) {
      metrics.push_back(fmt::format("{}={}", name, number_text(value)));
    }
    rows.push_back(
        {entry["model"].get<std::string>(), fmt::format("v{}", entry["version"].get<int>()),
         fmt::format("{}", fmt::join(entry["aliases"].get<std::vector<std::string>>(), ",")),
         entry["created_at"].get<std::string>(), entry["run_id"].get<std::string>(),
         fmt::format("{}", fmt::join(metrics, " "))});
  }
  return format_rows(rows);
}

nlohmann::json show_version(ModelRegistry& registry, const ModelVersion& version) {
  const auto aliases = registry.aliases(version.model);
  return {{"model", version.model},
          {"version", version.version},
          {"aliases", aliases_of(aliases, version.version)},
          {"created_at", version.created_at},
          {"run_id", version.run_id},
          {"artifact_dir", version.artifact_dir},
          {"metrics", metrics_json(version.metrics)},
          {"lineage", version.meta},
          {"history", alias_history_json(registry.alias_history(version.model))}};
}

std::string format_version(const nlohmann::json& shown) {
  std::string out = fmt::format(
      "{} v{}  aliases: {}\n  created  {}\n  run      {}\n  files    {}\n",
      shown["model"].get<std::string>(), shown["version"].get<int>(),
      shown["aliases"].empty()
          ? std::string("none")
          : fmt::format("{}", fmt::join(shown["aliases"].get<std::vector<std::string>>(), ", ")),
      shown["created_at"].get<std::string>(), shown["run_id"].get<std::string>(),
      shown["artifact_dir"].get<std::string>());
  out += "holdout metrics:\n";
  for (const auto& [name, value] : shown["metrics"].items()) {
    out += fmt::format("  {:<10} {}\n", name, number_text(value));
  }
  const auto& lineage = shown["lineage"];
  out += "lineage:\n";
  for (const char* key : {"objective", "rounds", "config_hash", "features_hash", "data_hash",
                          "git_commit", "mlops_version"}) {
    if (lineage.contains(key)) out += fmt::format("  {:<14} {}\n", key, number_text(lineage[key]));
  }
  return out;
}

nlohmann::json diff_versions(const ModelVersion& a, const ModelVersion& b) {
  nlohmann::json diff{{"model", a.model}, {"a", a.version}, {"b", b.version}};
  nlohmann::json metrics = nlohmann::json::array();
  std::set<std::string> names;
  for (const auto& [name, value] : a.metrics) names.insert(name);
  for (const auto& [name, value] : b.metrics) names.insert(name);
  for (const auto& name : names) {
    const double left = a.metrics.count(name) ? a.metrics.at(name) : std::nan("");
    const double right = b.metrics.count(name) ? b.metrics.at(name) : std::nan("");
    auto value = [](double x) { return std::isfinite(x) ? nlohmann::json(x) : nullptr; };
    metrics.push_back({{"metric", name},
                       {"a", value(left)},
                       {"b", value(right)},
                       {"delta", value(right - left)}});
  }
  diff["metrics"] = metrics;

  // Everything else recorded in the lineage, compared key by key (params and features too).
  nlohmann::json changed = nlohmann::json::array();
  std::set<std::string> keys;
  for (const auto& [key, value] : a.meta.items()) keys.insert(key);
  for (const auto& [key, value] : b.meta.items()) keys.insert(key);
  for (const auto& key : keys) {
    if (key == "run_id") continue;  // differs by construction; listed with the versions
    const nlohmann::json left = a.meta.value(key, nlohmann::json());
    const nlohmann::json right = b.meta.value(key, nlohmann::json());
    if (left == right) continue;
    nlohmann::json entry{{"key", key}, {"a", left}, {"b", right}};
    if (left.is_array() && right.is_array()) {
      std::set<std::string> l, r;
      for (const auto& item : left) l.insert(item.dump());
      for (const auto& item : right) r.insert(item.dump());
      nlohmann::json added = nlohmann::json::array(), removed = nlohmann::json::array();
      for (const auto& item : right) {
        if (!l.count(item.dump())) added.push_back(item);
      }
      for (const auto& item : left) {
        if (!r.count(item.dump())) removed.push_back(item);
      }
      entry["added"] = added;
      entry["removed"] = removed;
    }
    changed.push_back(entry);
  }
  diff["lineage"] = changed;
  diff["runs"] = {{"a", a.run_id}, {"b", b.run_id}};
  return diff;
}

std::string format_diff(const nlohmann::json& diff) {
  const int a = diff["a"].get<int>(), b = diff["b"].get<int>();
  std::string out =
      fmt::format("{}: v{} ({}) -> v{} ({})\n", diff["model"].get<std::string>(), a,
                  diff["runs"]["a"].get<std::string>(), b, diff["runs"]["b"].get<std::string>());
  std::vector<std::vector<std::string>> rows{
      {"METRIC", fmt::format("v{}", a), fmt::format("v{}", b), "DELTA"}};
  for (const auto& metric : diff["metrics"]) {
    rows.push_back(
        {metric["metric"].get<std::string>(), number_text(metric["a"]), number_text(metric["b"]),
         metric["delta"].is_number() ? fmt::format("{:+.6g}", metric["delta"].get<double>())
                                     : "-"});
  }
  out += format_rows(rows);
  if (diff["lineage"].empty()) return out + "lineage: identical\n";
  out += "lineage changes:\n";
  for (const auto& entry : diff["lineage"]) {
    if (entry.contains("added")) {
      out += fmt::format("  {}: added {} removed {}\n", entry["key"].get<std::string>(),
                         entry["added"].dump(), entry["removed"].dump());
    } else {
      out += fmt::format("  {}: {} -> {}\n", entry["key"].get<std::string>(),
                         number_text(entry["a"]), number_text(entry["b"]));
    }
  }
  return out;
}

nlohmann::json alias_history_json(const std::vector<AliasChange>& history) {
  nlohmann::json json = nlohmann::json::array();
  for (const auto& change : history) {
    json.push_back({{"alias", change.alias},
                    {"version", change.version},
                    {"previous_version",
                     change.previous_version ? nlohmann::json(change.previous_version) : nullptr},
                    {"action", change.action},
                    {"reason", change.reason},
                    {"changed_at", change.changed_at}});
  }
  return json;
}

std::string format_history(const nlohmann::json& history) {
  std::vector<std::vector<std::string>> rows{{"WHEN", "ALIAS", "CHANGE", "ACTION", "REASON"}};
  for (const auto& change : history) {
    const std::string from = change["previous_version"].is_null()
                                 ? std::string("(new)")
                                 : fmt::format("v{}", change["previous_version"].get<int>());
    rows.push_back({change["changed_at"].get<std::string>(), change["alias"].get<std::string>(),
                    fmt::format("{} -> v{}", from, change["version"].get<int>()),
                    change["action"].get<std::string>(), change["reason"].get<std::string>()});
  }
  return format_rows(rows);
}

}  // namespace mlops

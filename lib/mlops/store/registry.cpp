// Backend-independent registry logic: resolving references, choosing and applying rollbacks.

#include "mlops/store/registry.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <set>

#include "mlops/core/error.h"

namespace mlops {

namespace {

std::optional<int> parse_version_number(std::string_view text) {
  if (!text.empty() && text[0] == 'v') text.remove_prefix(1);
  int number = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (text.empty() || error != std::errc() || end != text.data() + text.size() || number < 1) {
    return std::nullopt;
  }
  return number;
}

}  // namespace

nlohmann::json metrics_json(const std::map<std::string, double>& metrics) {
  nlohmann::json json = nlohmann::json::object();
  for (const auto& [name, value] : metrics) {
    json[name] = std::isfinite(value) ? nlohmann::json(value) : nlohmann::json(nullptr);
  }
  return json;
}

ModelVersion resolve_model_version(ModelRegistry& registry, const std::string& model,
                                   const std::string& reference) {
  const std::map<std::string, int> aliases = registry.aliases(model);
  std::optional<int> number = parse_version_number(reference);
  if (!number) {
    if (auto it = aliases.find(reference); it != aliases.end()) number = it->second;
  }
  if (number) {
    if (auto found = registry.find_version(model, *number)) return *found;
  }
  require_model(registry, model);
  const std::vector<ModelVersion> versions = registry.versions(model);
  std::vector<std::string> known;
  for (const auto& [alias, version] : aliases)
    known.push_back(fmt::format("{}=v{}", alias, version));
  throw ConfigError("model '{}' has no version or alias '{}' (versions v1..v{}; aliases: {})",
                    model, reference, versions.back().version,
                    known.empty() ? "none" : fmt::format("{}", fmt::join(known, ", ")));
}

void check_alias_name(const std::string& alias) {
  if (alias.empty() || std::isdigit(static_cast<unsigned char>(alias[0])) ||
      (alias[0] == 'v' && alias.size() > 1 &&
       std::all_of(alias.begin() + 1, alias.end(),
                   [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }))) {
    throw ConfigError("alias '{}' is not usable: it must not look like a version number", alias);
  }
}

void require_model(ModelRegistry& registry, const std::string& model) {
  if (!registry.versions(model).empty()) return;
  const auto models = registry.models();
  throw ConfigError(
      "no registered model '{}' (registered: {}): train it first (`mlops train` or `mlops run`)",
      model, models.empty() ? "none" : fmt::format("{}", fmt::join(models, ", ")));
}

std::optional<int> rollback_target(const std::vector<AliasChange>& history, int current) {
  std::set<int> rolled_back;
  for (const auto& change : history) {
    if (change.action == "rollback") rolled_back.insert(change.previous_version);
  }
  for (auto it = history.rbegin(); it != history.rend(); ++it) {
    if (it->version != current && !rolled_back.count(it->version)) return it->version;
  }
  return std::nullopt;
}

AliasChange roll_back_alias(ModelRegistry& registry, const std::string& model,
                            const std::string& alias, const std::string& reason) {
  require_model(registry, model);
  for (;;) {
    const auto aliases = registry.aliases(model);
    auto it = aliases.find(alias);
    if (it == aliases.end()) {
      throw ConfigError("model '{}' has no alias '{}' to roll back", model, alias);
    }
    const int current = it->second;
    const auto target = rollback_target(registry.alias_history(model, alias), current);
    if (!target) {
      throw ConfigError("model '{}': alias '{}' has had no other holder than v{} to go back to",
                        model, alias, current);
    }
    const std::string why = reason.empty() ? fmt::format("rollback from v{}", current) : reason;
    if (auto change = registry.set_alias_if(model, alias, *target, current, "rollback", why)) {
      return *change;
    }
  }
}

}  // namespace mlops

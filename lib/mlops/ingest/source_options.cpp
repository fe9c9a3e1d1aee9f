#include "mlops/ingest/source_options.h"

#include "mlops/config/schema.h"
#include "mlops/core/error.h"

namespace mlops {
namespace {

std::string full_key(std::string_view key) {
  return "ingest.source." + std::string(key);
}

}  // namespace

const ConfigNode* SourceOptions::node(std::string_view key) const {
  const ConfigNode* found = spec_.options.find_path(key);
  return found && !found->is_null() ? found : nullptr;
}

std::string SourceOptions::declared_default(std::string_view key) const {
  const std::string path = full_key(key);
  for (const auto& decl : config_keys()) {
    if (decl.path == path) return decl.default_value;
  }
  throw InternalError("source option '{}' is not in the key table", path);
}

bool SourceOptions::has(std::string_view key) const {
  return node(key) != nullptr;
}

std::string SourceOptions::text(std::string_view key) const {
  const ConfigNode* value = node(key);
  return value ? value->as_string(full_key(key)) : declared_default(key);
}

int64_t SourceOptions::integer(std::string_view key) const {
  if (const ConfigNode* value = node(key)) return value->as_int(full_key(key));
  const std::string fallback = declared_default(key);
  return fallback.empty() ? 0 : ConfigNode::scalar(fallback, {}).as_int(full_key(key));
}

double SourceOptions::number(std::string_view key) const {
  if (const ConfigNode* value = node(key)) return value->as_double(full_key(key));
  const std::string fallback = declared_default(key);
  return fallback.empty() ? 0 : ConfigNode::scalar(fallback, {}).as_double(full_key(key));
}

std::vector<std::string> SourceOptions::list(std::string_view key) const {
  const ConfigNode* value = node(key);
  return value ? value->as_string_list(full_key(key)) : std::vector<std::string>{};
}

std::vector<std::pair<std::string, std::string>> SourceOptions::entries(
    std::string_view key) const {
  std::vector<std::pair<std::string, std::string>> out;
  const ConfigNode* value = node(key);
  if (!value) return out;
  for (const auto& [name, item] : value->entries()) {
    if (item.is_null()) continue;
    out.emplace_back(name, item.as_string(full_key(key) + "." + name));
  }
  return out;
}

}  // namespace mlops

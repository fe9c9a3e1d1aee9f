// validate_against_schema: every key of the merged tree must be declared and well typed.

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <string>

#include "mlops/config/schema.h"
#include "mlops/config/schema_checks.h"
#include "mlops/config/tree_path.h"
#include "mlops/core/error.h"
#include "mlops/core/suggest.h"

namespace mlops {
namespace {

// A wrong value as an error quotes it, unless it is a URL: a webhook or database URL put under
// the wrong key (`notify: https://hooks.slack.com/...`) is a secret, masked or not.
std::string got_value(const std::string& text) {
  if (text.find("://") != std::string::npos) return "a URL (not shown: it may be a secret)";
  return fmt::format("'{}'", text);
}

using config_detail::join_key;

std::string_view parent_of(std::string_view path) {
  size_t dot = path.rfind('.');
  return dot == std::string_view::npos ? std::string_view() : path.substr(0, dot);
}

std::string_view leaf_of(std::string_view path) {
  size_t dot = path.rfind('.');
  return dot == std::string_view::npos ? path : path.substr(dot + 1);
}

// Suggests among the declared siblings, judged on the last part only so a long common prefix
// does not make far-fetched suggestions look close; the suggestion names the full path.
std::string suggest_sibling(std::string_view path) {
  std::vector<std::string> leaves, paths;
  for (const auto& key : config_keys()) {
    if (parent_of(key.path) == parent_of(path)) {
      leaves.emplace_back(leaf_of(key.path));
      paths.push_back(key.path);
    }
  }
  if (did_you_mean(leaf_of(path), leaves).empty()) return "";
  return did_you_mean(path, paths);
}

void check_range(const ConfigNode& value, const std::string& path, double number) {
  const auto* check = config_detail::find_range_check(path);
  if (!check) return;
  bool inside = check->exclusive ? (number > check->min && number < check->max)
                                 : (number >= check->min && number <= check->max);
  if (!inside) {
    throw ConfigError("{}: key '{}': {}, got '{}'", value.origin().describe(), path, check->rule,
                      value.text());
  }
}

void check_value(const KeyDecl& decl, const ConfigNode& value, const std::string& path) {
  if (value.is_null()) return;  // an explicit null leaves the key unset
  switch (decl.type) {
    case KeyType::kString:
    case KeyType::kPath: value.as_string(path); break;
    case KeyType::kInt: check_range(value, path, static_cast<double>(value.as_int(path))); break;
    case KeyType::kFloat: check_range(value, path, value.as_double(path)); break;
    case KeyType::kBool: value.as_bool(path); break;
    case KeyType::kStringList: {
      const std::vector<std::string> items = value.as_string_list(path);
      if (decl.choices.empty()) break;
      for (const auto& item : items) {
        if (std::find(decl.choices.begin(), decl.choices.end(), item) != decl.choices.end()) {
          continue;
        }
        throw ConfigError("{}: key '{}': expected items among {}, got {}{}",
                          value.origin().describe(), path, fmt::join(decl.choices, ", "),
                          got_value(item), did_you_mean(item, decl.choices));
      }
      break;
    }
    case KeyType::kEnum: {
      const std::string text = value.as_string(path);
      for (const auto& choice : decl.choices) {
        if (choice == text) return;
      }
      throw ConfigError("{}: key '{}': expected one of {}, got {}{}", value.origin().describe(),
                        path, fmt::join(decl.choices, ", "), got_value(text),
                        did_you_mean(text, decl.choices));
    }
    case KeyType::kMap:
    case KeyType::kOpenMap:
      if (!value.is_map()) {
        throw ConfigError("{}: key '{}': expected a map, got {}", value.origin().describe(), path,
                          value.is_scalar() ? got_value(value.text()) : "a list");
      }
      break;
    case KeyType::kMapList:
      if (value.is_map()) break;
      if (!value.is_sequence()) {
        throw ConfigError("{}: key '{}': expected a map or a list of maps, got {}",
                          value.origin().describe(), path, got_value(value.text()));
      }
      for (size_t i = 0; i < value.items().size(); ++i) {
        const ConfigNode& item = value.items()[i];
        if (!item.is_map()) {
          throw ConfigError("{}: key '{}[{}]': expected a map", item.origin().describe(), path, i);
        }
      }
      break;
    case KeyType::kAny: break;
  }
}

void check_map(const ConfigNode& map, const std::string& parent) {
  for (const auto& [key, value] : map.entries()) {
    const std::string path = join_key(parent, key);
    const KeyDecl* decl = find_key(path);
    if (!decl) {
      throw ConfigError("{}: unknown key '{}'{}", value.origin().describe(), path,
                        suggest_sibling(path));
    }
    check_value(*decl, value, path);
    if ((decl->type == KeyType::kMap || decl->type == KeyType::kMapList) && value.is_map()) {
      check_map(value, path);
    }
    if (decl->type == KeyType::kMapList && value.is_sequence()) {
      for (const auto& item : value.items()) check_map(item, path);  // each item has the keys
    }
  }
}

}  // namespace

const KeyDecl* find_key(std::string_view path) {
  for (const auto& key : config_keys()) {
    if (key.path == path) return &key;
  }
  return nullptr;
}

void validate_against_schema(const ConfigNode& root) {
  if (root.is_null()) return;
  if (!root.is_map()) {
    throw ConfigError("{}: expected a map of keys at the top level", root.origin().describe());
  }
  check_map(root, "");
}

}  // namespace mlops

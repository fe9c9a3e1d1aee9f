// Dotted key path helpers shared by the defaults, environment and --set layers.

#include "mlops/config/tree_path.h"

#include <cctype>

namespace mlops::config_detail {

std::string join_key(std::string_view parent, std::string_view key) {
  if (parent.empty()) return std::string(key);
  std::string joined(parent);
  joined += '.';
  joined += key;
  return joined;
}

void set_path(ConfigNode& root, std::string_view path, ConfigNode value) {
  ConfigNode* node = &root;
  size_t dot;
  while ((dot = path.find('.')) != std::string_view::npos) {
    std::string key(path.substr(0, dot));
    ConfigNode* child = node->is_map() ? node->get(key) : nullptr;
    if (!child || !child->is_map()) {
      node->set(key, ConfigNode::map(value.origin()));
      child = node->get(key);
    }
    node = child;
    path = path.substr(dot + 1);
  }
  std::string key(path);
  ConfigNode* existing = node->is_map() ? node->get(key) : nullptr;
  if (existing && existing->is_map() && value.is_map()) {
    merge_into(*existing, value);
  } else {
    node->set(std::move(key), std::move(value));
  }
}

std::string env_var_name(std::string_view path) {
  std::string name = "MLOPS_";
  for (char c : path) {
    if (c == '.') {
      name += "__";  // single '_' already occurs inside keys (runs_dir)
    } else {
      name += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
  }
  return name;
}

bool settable_from_env(KeyType type) {
  return type != KeyType::kMap && type != KeyType::kOpenMap && type != KeyType::kMapList &&
         type != KeyType::kAny;
}

}  // namespace mlops::config_detail

#include "mlops/config/node_values.h"

namespace mlops {

const ConfigNode* value_at(const ConfigNode& tree, std::string_view path) {
  const ConfigNode* node = tree.find_path(path);
  return node && !node->is_null() ? node : nullptr;
}

std::string read_string(const ConfigNode& tree, std::string_view path, std::string fallback) {
  const ConfigNode* node = value_at(tree, path);
  return node ? node->as_string(path) : fallback;
}

int64_t read_int(const ConfigNode& tree, std::string_view path, int64_t fallback) {
  const ConfigNode* node = value_at(tree, path);
  return node ? node->as_int(path) : fallback;
}

bool read_bool(const ConfigNode& tree, std::string_view path, bool fallback) {
  const ConfigNode* node = value_at(tree, path);
  return node ? node->as_bool(path) : fallback;
}

std::vector<std::string> read_list(const ConfigNode& tree, std::string_view path) {
  const ConfigNode* node = value_at(tree, path);
  return node ? node->as_string_list(path) : std::vector<std::string>{};
}

}  // namespace mlops

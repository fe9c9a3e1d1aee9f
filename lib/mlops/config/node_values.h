#pragma once
// Typed reads of optional config keys by dotted path, with the default when the key is absent
// or null (an explicit null leaves a key unset). Errors name the key (ConfigNode::as_*).

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "mlops/config/node.h"

namespace mlops {

/// The node at `path` unless absent or null.
const ConfigNode* value_at(const ConfigNode& tree, std::string_view path);

std::string read_string(const ConfigNode& tree, std::string_view path, std::string fallback);
int64_t read_int(const ConfigNode& tree, std::string_view path, int64_t fallback);
bool read_bool(const ConfigNode& tree, std::string_view path, bool fallback);
/// The list at `path`, empty when absent.
std::vector<std::string> read_list(const ConfigNode& tree, std::string_view path);

}  // namespace mlops

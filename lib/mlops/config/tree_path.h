#pragma once
// Dotted key paths: joining them, setting a value at one, and their environment variable names.

#include <string>
#include <string_view>

#include "mlops/config/node.h"
#include "mlops/config/schema.h"

namespace mlops::config_detail {

/// "train" + "rounds" -> "train.rounds"; "" + "seed" -> "seed".
std::string join_key(std::string_view parent, std::string_view key);

/// Sets `value` at the dotted `path` under `root`, creating missing maps with the value's
/// origin (and turning non-maps on the way into maps). A map value merges into an existing map.
void set_path(ConfigNode& root, std::string_view path, ConfigNode value);

/// "train.split.seed" -> "MLOPS_TRAIN__SPLIT__SEED".
std::string env_var_name(std::string_view path);

/// Keys holding a value (not a map or a free-form tree) can be set from the environment.
bool settable_from_env(KeyType type);

}  // namespace mlops::config_detail

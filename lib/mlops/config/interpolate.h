#pragma once
// ${...} interpolation over a merged config tree.

#include "mlops/config/loader.h"
#include "mlops/config/node.h"

namespace mlops::config_detail {

/// Replaces, in every scalar of `root`: `${name}` by the config key `name` (a dotted path to a
/// scalar, itself interpolated first) or else the environment variable `name`;
/// `${VAR:-default}` by the default when VAR is unset or empty; `$${` by a literal `${`.
/// Every non-empty value taken from the environment is registered as a secret (core/secret_mask.h).
/// Throws ConfigError naming origin and key for an unset variable without default, a reference
/// cycle, a reference to a map or list, and an unterminated `${`.
void interpolate(ConfigNode& root, const EnvLookup& getenv);

}  // namespace mlops::config_detail

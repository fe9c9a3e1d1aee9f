#pragma once
// Layered configuration, lowest first:
//   built-in defaults < configs/base.yaml < configs/<env>.yaml < workflow file
//   < MLOPS_* environment variables < --set key=value
// then ${VAR} / ${VAR:-default} interpolation in every scalar.

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "mlops/config/node.h"

namespace mlops {

/// Looks up an environment variable; replaceable in tests.
using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;
/// The process environment.
EnvLookup process_env();

struct LoadOptions {
  std::string env = "local";           // local, dev or prod
  std::string config_dir = "configs";  // holds base.yaml and <env>.yaml
  std::optional<std::string> workflow_path;
  std::vector<std::string> overrides;  // "--set" values, "a.b=c"
  EnvLookup getenv = process_env();
};

/// Loads, merges, interpolates and validates the layers (every key checked against the key
/// declarations in schema.h). Throws ConfigError naming file, line and key for: an unknown env
/// name, a missing config_dir/<env>.yaml when config_dir exists, a missing workflow file, a YAML
/// error, an unknown key (with "did you mean"), a wrong type, a malformed --set, and an unset
/// ${VAR} without default.
/// When config_dir does not exist at all, only the built-in defaults apply.
/// Interpolation: ${name} first names another config key (dotted, e.g. ${data_dir}), else an
/// environment variable; ${VAR:-default} uses the default when VAR is unset or empty.
ConfigNode load_config(const LoadOptions& options);
/// The first step of load_config: the built-in defaults merged with config_dir/base.yaml and
/// config_dir/<env>.yaml, not yet interpolated or validated. Read once, it can complete the
/// config of several workflows (workflow_set.h). Throws ConfigError like load_config for the
/// env name and these files.
ConfigNode read_layers_below_workflow(const LoadOptions& options);
/// The rest of load_config on `below_workflow` (from read_layers_below_workflow): merges the
/// workflow file, MLOPS_* variables and --set, interpolates and validates. Throws ConfigError
/// like load_config.
ConfigNode complete_config(ConfigNode below_workflow, const LoadOptions& options);

}  // namespace mlops

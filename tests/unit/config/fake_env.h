#pragma once
// An injected environment for config tests, so no test depends on the real one.

#include <map>
#include <optional>
#include <string>

#include "mlops/config/loader.h"
#include "mlops/core/error.h"

namespace mlops::testing {

inline EnvLookup fake_env(std::map<std::string, std::string> variables) {
  return [variables = std::move(variables)](const std::string& name) -> std::optional<std::string> {
    auto found = variables.find(name);
    if (found == variables.end()) return std::nullopt;
    return found->second;
  };
}

/// Runs `action` and returns the ConfigError message it throws ("" when it throws none).
template <typename Action>
std::string config_error(Action&& action) {
  try {
    action();
  } catch (const ConfigError& error) {
    return error.what();
  }
  return "";
}

}  // namespace mlops::testing

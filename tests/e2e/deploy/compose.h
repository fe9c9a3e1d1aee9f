#pragma once
// compose.yaml read as Compose reads it: ${VAR:-default} interpolation, environment in map or
// list form, and the services in an order that respects depends_on.

#include "deploy/deploy_layout.h"

namespace mlops::testing::deploy {

/// Compose's interpolation of `${VAR}`, `${VAR:-default}` and `$$`, from `env`.
inline std::string compose_interpolate(const std::string& text,
                                       const std::map<std::string, std::string>& env) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text.compare(i, 2, "$$") == 0) {
      out += '$';
      ++i;
    } else if (text.compare(i, 2, "${") == 0) {
      const size_t close = text.find('}', i);
      const std::string inner = text.substr(i + 2, close - i - 2);
      const size_t dash = inner.find(":-");
      const std::string name = inner.substr(0, dash);
      const auto found = env.find(name);
      if (found != env.end() && !found->second.empty()) {
        out += found->second;
      } else if (dash != std::string::npos) {
        out += inner.substr(dash + 2);
      }
      i = close;
    } else {
      out += text[i];
    }
  }
  return out;
}

/// A compose service's `environment` as a map (map or NAME=VALUE list form), interpolated.
inline std::map<std::string, std::string> compose_environment(
    const YAML::Node& service, const std::map<std::string, std::string>& shell) {
  std::map<std::string, std::string> out;
  const YAML::Node environment = service["environment"];
  if (environment.IsMap()) {
    for (const auto& entry : environment) {
      out[entry.first.as<std::string>()] =
          compose_interpolate(entry.second.as<std::string>(), shell);
    }
  } else if (environment.IsSequence()) {
    for (const YAML::Node& entry : environment) {
      const std::string text = entry.as<std::string>();
      out[text.substr(0, text.find('='))] =
          compose_interpolate(text.substr(text.find('=') + 1), shell);
    }
  }
  return out;
}

/// The compose services in an order that respects depends_on.
inline std::vector<std::string> compose_start_order(const YAML::Node& compose) {
  std::vector<std::string> order;
  std::set<std::string> placed;
  std::vector<std::string> names;
  for (const auto& service : compose["services"]) names.push_back(service.first.as<std::string>());
  while (order.size() < names.size()) {
    bool progress = false;
    for (const std::string& name : names) {
      if (placed.contains(name)) continue;
      bool ready = true;
      for (const auto& dependency : compose["services"][name]["depends_on"]) {
        ready = ready && placed.contains(dependency.first.as<std::string>());
      }
      if (ready) {
        order.push_back(name);
        placed.insert(name);
        progress = true;
      }
    }
    if (!progress) throw std::runtime_error("compose: depends_on has a cycle");
  }
  return order;
}

}  // namespace mlops::testing::deploy

// load_config: stacks the layers (lowest first), interpolates, validates.

#include "mlops/config/loader.h"

#include <cstdlib>
#include <filesystem>

#include "mlops/config/interpolate.h"
#include "mlops/config/schema.h"
#include "mlops/config/tree_path.h"
#include "mlops/core/error.h"
#include "mlops/core/suggest.h"

namespace mlops {
namespace {

namespace fs = std::filesystem;
using config_detail::set_path;

void check_env_name(const std::string& env) {
  static const std::vector<std::string> kEnvs{"local", "dev", "prod"};
  for (const auto& known : kEnvs) {
    if (env == known) return;
  }
  throw ConfigError("unknown environment '{}' (expected local, dev or prod){}", env,
                    did_you_mean(env, kEnvs));
}

// A layer file must hold a map of keys; an empty file is an empty layer.
ConfigNode load_layer(const std::string& path) {
  ConfigNode layer = load_yaml_file(path);
  if (layer.is_null()) return ConfigNode::map(Origin{path, 0, 0});
  if (!layer.is_map()) {
    throw ConfigError("{}: expected a map of keys at the top level", layer.origin().describe());
  }
  return layer;
}

// Values from the environment and --set have no line; every node names the one source.
void relocate(ConfigNode& node, const Origin& origin) {
  node.set_origin(origin);
  for (auto& [key, value] : node.entries()) relocate(value, origin);
  for (auto& item : node.items()) relocate(item, origin);
}

void apply_environment(ConfigNode& root, const EnvLookup& getenv) {
  for (const auto& key : config_keys()) {
    if (!config_detail::settable_from_env(key.type)) continue;
    const std::string name = config_detail::env_var_name(key.path);
    std::optional<std::string> value = getenv(name);
    if (!value || value->empty()) continue;  // `MLOPS_X= mlops ...` means "not set"
    const Origin origin{"env " + name, 0, 0};
    ConfigNode node = ConfigNode::scalar(*value, origin);
    if (key.type == KeyType::kStringList) {  // "[a.yaml, b.yaml]" is a list
      node = parse_yaml(*value, origin.file);
      relocate(node, origin);
    }
    set_path(root, key.path, std::move(node));
  }
}

void apply_override(ConfigNode& root, const std::string& assignment) {
  size_t equals = assignment.find('=');
  std::string_view key = std::string_view(assignment).substr(0, equals);
  if (equals == std::string::npos || key.empty() || key.front() == '.' || key.back() == '.' ||
      key.find("..") != std::string_view::npos) {
    throw ConfigError("--set '{}': expected key=value", assignment);
  }
  const Origin origin{"--set " + assignment, 0, 0};
  const std::string text = assignment.substr(equals + 1);
  ConfigNode value = ConfigNode::scalar(text, origin);
  if (!text.empty()) {  // parsed as YAML so lists and maps can be given: a=[x, y]
    try {
      value = parse_yaml(text, "value");
    } catch (const ConfigError& error) {
      throw ConfigError("--set '{}': {}", assignment, error.what());
    }
    relocate(value, origin);
  }
  set_path(root, key, std::move(value));
}

}  // namespace

EnvLookup process_env() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    if (!value) return std::nullopt;
    return std::string(value);
  };
}

ConfigNode read_layers_below_workflow(const LoadOptions& options) {
  check_env_name(options.env);
  ConfigNode root = builtin_defaults();

  std::error_code ignored;
  const fs::path config_dir(options.config_dir);
  if (fs::exists(config_dir, ignored)) {
    if (!fs::is_directory(config_dir, ignored)) {
      throw ConfigError("{}: not a directory", options.config_dir);
    }
    const std::string base = (config_dir / "base.yaml").string();
    if (fs::exists(base, ignored)) merge_into(root, load_layer(base));
    merge_into(root, load_layer((config_dir / (options.env + ".yaml")).string()));
  }
  return root;
}

ConfigNode complete_config(ConfigNode root, const LoadOptions& options) {
  if (options.workflow_path) merge_into(root, load_layer(*options.workflow_path));

  apply_environment(root, options.getenv);
  for (const auto& assignment : options.overrides) apply_override(root, assignment);

  // build_workflow names the workflow file through the root's origin.
  if (options.workflow_path) root.set_origin(Origin{*options.workflow_path, 0, 0});

  config_detail::interpolate(root, options.getenv);
  validate_against_schema(root);
  return root;
}

ConfigNode load_config(const LoadOptions& options) {
  return complete_config(read_layers_below_workflow(options), options);
}

}  // namespace mlops

// `mlops models list|show|promote|rollback|diff|history`: the model registry from a terminal.

#include <fmt/format.h>

#include "commands.h"
#include "front_door.h"
#include "mlops/config/workflow.h"
#include "mlops/core/error.h"
#include "mlops/pipeline/notifications.h"
#include "mlops/store/open_stores.h"
#include "mlops/store/registry_views.h"
#include "options.h"

namespace mlops::cli {

namespace {

struct ModelsOptions {
  CommonOptions common;
  std::string model;
  std::string version;  // a number, vN or an alias
  std::string other;    // diff's second version
  std::string alias = "champion";
  std::string history_alias;
  std::string reason;
  std::string format = "text";
};

std::unique_ptr<ModelRegistry> registry_for(const ModelsOptions& options) {
  return open_registry(load_command_config(options.common, ConfigScope::kConfig).settings);
}

// The workflow named by --workflow, for a notification's text; empty without one.
std::string workflow_name(const CommandConfig& config, const ModelsOptions& options) {
  if (options.common.workflow.empty()) return "";
  return build_workflow(config.tree, options.common.env).name;
}

void print(const ModelsOptions& options, const nlohmann::json& data, const std::string& text) {
  fmt::print("{}", options.format == "json" ? data.dump(2) + "\n" : text);
}

CLI::App* add_models_command(CLI::App& models, const std::string& name,
                             const std::string& description, ModelsOptions& options) {
  CLI::App* command = models.add_subcommand(name, description);
  add_common_options(*command, options.common);
  return command;
}

void add_format(CLI::App& command, ModelsOptions& options) {
  command.add_option("--format", options.format, "text or json")
      ->check(CLI::IsMember({"text", "json"}));
}

}  // namespace

void setup_models(CLI::App& models) {
  models.require_subcommand(1);
  auto options = std::make_shared<ModelsOptions>();

  CLI::App* list = add_models_command(models, "list", "List registered versions", *options);
  list->add_option("model", options->model,
                   "Model name (default: the model --workflow registers, else every model)");
  add_format(*list, *options);
  list->callback([options] {
    const CommandConfig config = load_command_config(options->common, ConfigScope::kConfig);
    auto registry = open_registry(config.settings);
    std::string model = options->model;
    if (model.empty() && !options->common.workflow.empty()) {
      model = build_workflow(config.tree, options->common.env).registry.model;
    }
    const nlohmann::json versions = list_versions(*registry, model);
    print(*options, versions, format_version_list(versions));
  });

  CLI::App* show = add_models_command(
      models, "show", "Show one version: metrics, lineage, files, alias history", *options);
  show->add_option("model", options->model, "Model name")->required();
  show->add_option("version", options->version, "Version (3, v3) or alias; default champion");
  add_format(*show, *options);
  show->callback([options] {
    auto registry = registry_for(*options);
    const ModelVersion version = resolve_model_version(
        *registry, options->model, options->version.empty() ? "champion" : options->version);
    const nlohmann::json shown = show_version(*registry, version);
    print(*options, shown,
          format_version(shown) + "alias history:\n" + format_history(shown["history"]));
  });

  CLI::App* promote = add_models_command(
      models, "promote", "Point an alias (default champion) at a version, bypassing the gate",
      *options);
  promote->add_option("model", options->model, "Model name")->required();
  promote->add_option("version", options->version, "Version (3, v3) or alias")->required();
  promote->add_option("--alias", options->alias, "Alias to set")->capture_default_str();
  promote->add_option("--reason", options->reason, "Why (kept in the alias history)");
  promote->callback([options] {
    const CommandConfig config = load_command_config(options->common, ConfigScope::kConfig);
    auto registry = open_registry(config.settings);
    const ModelVersion version = resolve_model_version(*registry, options->model, options->version);
    const AliasChange change =
        registry->set_alias(options->model, options->alias, version.version, "promote",
                            options->reason.empty() ? "manual promotion" : options->reason);
    fmt::print("{}: {} {} -> v{}\n", options->model, options->alias,
               change.previous_version ? fmt::format("v{}", change.previous_version) : "(new)",
               change.version);
    notify_alias_change(config.settings, workflow_name(config, *options), change);
  });

  CLI::App* rollback = add_models_command(
      models, "rollback", "Give an alias (default champion) back to its previous holder", *options);
  rollback->add_option("model", options->model, "Model name")->required();
  rollback->add_option("--alias", options->alias, "Alias to roll back")->capture_default_str();
  rollback->add_option("--reason", options->reason, "Why (kept in the alias history)");
  rollback->callback([options] {
    const CommandConfig config = load_command_config(options->common, ConfigScope::kConfig);
    auto registry = open_registry(config.settings);
    const AliasChange change =
        roll_back_alias(*registry, options->model, options->alias, options->reason);
    fmt::print("{}: {} v{} -> v{}\n", options->model, options->alias, change.previous_version,
               change.version);
    notify_alias_change(config.settings, workflow_name(config, *options), change);
  });

  CLI::App* diff = add_models_command(
      models, "diff", "Compare two versions: metrics, parameters, features, lineage", *options);
  diff->add_option("model", options->model, "Model name")->required();
  diff->add_option("a", options->version, "First version or alias")->required();
  diff->add_option("b", options->other, "Second version or alias")->required();
  add_format(*diff, *options);
  diff->callback([options] {
    auto registry = registry_for(*options);
    const nlohmann::json result =
        diff_versions(resolve_model_version(*registry, options->model, options->version),
                      resolve_model_version(*registry, options->model, options->other));
    print(*options, result, format_diff(result));
  });

  CLI::App* history = add_models_command(
      models, "history", "Which version held which alias when (append-only)", *options);
  history->add_option("model", options->model, "Model name")->required();
  history->add_option("--alias", options->history_alias, "Only this alias");
  add_format(*history, *options);
  history->callback([options] {
    auto registry = registry_for(*options);
    require_model(*registry, options->model);
    const nlohmann::json changes =
        alias_history_json(registry->alias_history(options->model, options->history_alias));
    print(*options, changes, format_history(changes));
  });
}

}  // namespace mlops::cli

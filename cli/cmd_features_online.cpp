// `mlops features get | list | describe`: the online half of the `features` group, added to it
// by setup_features_online (cmd_features.cpp calls it; `historical` lives there).

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "commands.h"
#include "front_door.h"
#include "mlops/feature_store/online_lookup.h"
#include "mlops/store/open_stores.h"
#include "options.h"

namespace mlops::cli {

namespace {

struct GetOptions {
  CommonOptions common;
  std::string view;
  std::vector<std::string> keys;
  std::string format = "text";
};

struct CatalogOptions {
  CommonOptions common;
  std::string view;  // describe
  std::string format = "text";
};

void get_command(const GetOptions& options) {
  const CommandConfig config = load_command_config(options.common, ConfigScope::kOneWorkflow);
  const Workflow& workflow = config.workflows.front();
  find_feature_view(workflow, options.view);  // an unknown view fails before any connection
  const auto store = open_online_store(workflow.settings);
  const FeatureLookup lookup = lookup_features(workflow, *store, options.view, options.keys);
  if (options.format == "json") {
    fmt::print("{}\n", lookup_json(lookup).dump(2));
  } else {
    fmt::print("{}", format_lookup(lookup));
  }
}

void list_command(const CatalogOptions& options) {
  const CommandConfig config = load_command_config(options.common, ConfigScope::kOneWorkflow);
  const Workflow& workflow = config.workflows.front();
  const auto store = open_online_store(workflow.settings);
  const auto catalog = feature_catalog(workflow, *store);
  if (options.format == "json") {
    fmt::print("{}\n", catalog_json(workflow, catalog).dump(2));
  } else {
    fmt::print("{}", format_catalog(catalog));
  }
}

void describe_command(const CatalogOptions& options) {
  const CommandConfig config = load_command_config(options.common, ConfigScope::kOneWorkflow);
  const Workflow& workflow = config.workflows.front();
  const FeatureViewSpec& view = find_feature_view(workflow, options.view);
  const auto store = open_online_store(workflow.settings);
  const ViewCatalogEntry entry{&view, view.online ? store->view(view.name) : std::nullopt};
  if (options.format == "json") {
    fmt::print("{}\n", describe_json(workflow, entry).dump(2));
  } else {
    fmt::print("{}", format_describe(workflow, entry));
  }
}

}  // namespace

void setup_features_online(CLI::App& features) {
  auto get = std::make_shared<GetOptions>();
  CLI::App* command = features.add_subcommand(
      "get", "Look entity keys up in the online store: each view's latest values, stale or not");
  add_common_options(*command, get->common);
  command->add_option("view", get->view, "The feature view")->required();
  command
      ->add_option("--key", get->keys,
                   "An entity key: COLUMN=VALUE (COL=V,COL=V for a compound key); repeat for "
                   "several entities, looked up in one call")
      ->required();
  command->add_option("--format", get->format, "text or json")
      ->check(CLI::IsMember({"text", "json"}));
  command->callback([get] { get_command(*get); });

  auto list = std::make_shared<CatalogOptions>();
  command = features.add_subcommand(
      "list", "The workflow's feature views: entity, online, keys stored, latest event time");
  add_common_options(*command, list->common);
  command->add_option("--format", list->format, "text or json")
      ->check(CLI::IsMember({"text", "json"}));
  command->callback([list] { list_command(*list); });

  auto describe = std::make_shared<CatalogOptions>();
  command = features.add_subcommand(
      "describe",
      "One feature view: entity, columns and types, rows, latest event time, last "
      "materialization");
  add_common_options(*command, describe->common);
  command->add_option("view", describe->view, "The feature view")->required();
  command->add_option("--format", describe->format, "text or json")
      ->check(CLI::IsMember({"text", "json"}));
  command->callback([describe] { describe_command(*describe); });
}

}  // namespace mlops::cli

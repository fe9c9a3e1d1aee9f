// `mlops features ...`: the feature store's commands, one group registered by setup_features
// (below): `historical`, the point-in-time join, is here; the online commands (get, list,
// describe) live in their own file and register from setup_features.

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "commands.h"
#include "front_door.h"
#include "mlops/core/log.h"
#include "mlops/feature_store/historical_join.h"
#include "options.h"

namespace mlops::cli {

namespace {

struct HistoricalOptions {
  CommonOptions common;
  std::string entities;
  std::vector<std::string> features;
  std::string out;
  std::string event_time = "event_time";
  std::string format = "text";
};

void historical_command(const HistoricalOptions& options) {
  const CommandConfig config = load_command_config(options.common, ConfigScope::kOneWorkflow);
  const Workflow& workflow = config.workflows.front();
  HistoricalJoinSpec spec{
      .entities = options.entities, .features = {}, .event_time = options.event_time};
  for (const std::string& text : options.features)
    spec.features.push_back(parse_feature_request(text));
  const HistoricalJoinStats stats = historical_join_file(workflow, spec, options.out);
  if (options.format == "json") {
    nlohmann::json views = nlohmann::json::object();
    for (size_t v = 0; v < stats.views.size(); ++v)
      views[stats.views[v]] = {{"matched", stats.matched[v]}};
    fmt::print(
        "{}\n",
        nlohmann::json{{"out", options.out}, {"rows", stats.rows}, {"views", views}}.dump(2));
    return;
  }
  fmt::print("{}: {} entity rows joined\n", options.out, stats.rows);
  for (size_t v = 0; v < stats.views.size(); ++v) {
    fmt::print("  {}: {} rows found a feature row, {} got nulls\n", stats.views[v],
               stats.matched[v], stats.rows - stats.matched[v]);
  }
}

void setup_historical(CLI::App& features) {
  auto options = std::make_shared<HistoricalOptions>();
  CLI::App* command = features.add_subcommand(
      "historical",
      "Point-in-time join: each entity row gets each view's latest row at or before its event "
      "time (within the view's ttl); written in input order");
  add_common_options(*command, options->common);
  command
      ->add_option("--entities", options->entities,
                   "Entity rows: a data file with the views' key columns and the event time")
      ->required()
      ->check(CLI::ExistingFile);
  command
      ->add_option("--features", options->features,
                   "VIEW (every feature) or VIEW:COL,COL; repeat for several views")
      ->required();
  command->add_option("--out", options->out, "Output CSV: the entity columns, then VIEW__COL")
      ->required();
  command->add_option("--event-time", options->event_time,
                      "The entity file's timestamp column (default event_time)");
  command->add_option("--format", options->format, "text or json")
      ->check(CLI::IsMember({"text", "json"}));
  command->callback([options] { historical_command(*options); });
}

}  // namespace

// The whole `features` group. The online commands (get, list, describe) add one line here:
// setup_features_online(features), defined in cmd_features_online.cpp.
void setup_features(CLI::App& features) {
  features.require_subcommand(1);
  setup_historical(features);
  setup_features_online(features);
}

}  // namespace mlops::cli

// `mlops materialize [--view V]... [--incremental | --start T --end T]`: the latest value of each
// entity key of the workflow's online views into the online store (online_store.url).

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "commands.h"
#include "front_door.h"
#include "mlops/core/error.h"
#include "mlops/core/time.h"
#include "mlops/feature_store/materialize.h"
#include "mlops/store/open_stores.h"
#include "options.h"

namespace mlops::cli {

namespace {

struct MaterializeCommandOptions {
  CommonOptions common;
  std::vector<std::string> views;
  bool incremental = false;
  std::string start, end;
  std::string format = "text";
};

std::optional<int64_t> time_flag(const std::string& text, const char* flag) {
  if (text.empty()) return std::nullopt;
  const std::optional<int64_t> micros = parse_timestamp(text);
  if (!micros) {
    throw ConfigError("{} '{}': not a timestamp (e.g. 2024-01-31 or 2024-01-31T12:00:00Z)", flag,
                      text);
  }
  return micros;
}

void materialize_command(const MaterializeCommandOptions& options) {
  const CommandConfig config = load_command_config(options.common, ConfigScope::kOneWorkflow);
  const Workflow& workflow = config.workflows.front();
  MaterializeOptions run;
  run.views = options.views;
  run.incremental = options.incremental;
  run.start_us = time_flag(options.start, "--start");
  run.end_us = time_flag(options.end, "--end");
  const auto store = open_online_store(workflow.settings);
  const MaterializeResult result = materialize(workflow, *store, run);
  if (options.format == "json") {
    nlohmann::json views = nlohmann::json::array();
    for (const ViewMaterialization& view : result.views) {
      views.push_back(
          {{"view", view.view},
           {"skipped", view.skipped},
           {"source", view.source},
           {"rows_read", view.rows_read},
           {"keys", view.keys},
           {"keys_written", view.keys_written},
           {"watermark", view.watermark_us ? nlohmann::json(format_iso8601(*view.watermark_us))
                                           : nlohmann::json(nullptr)},
           {"seconds", view.seconds}});
    }
    fmt::print("{}\n", nlohmann::json{{"workflow", workflow.name},
                                      {"online_store", store->describe()},
                                      {"views", views},
                                      {"rows_read", result.rows_read()},
                                      {"keys_written", result.keys_written()},
                                      {"seconds", result.seconds}}
                           .dump(2));
    return;
  }
  if (result.views.empty()) {
    fmt::print("{}: no feature views declared; nothing to materialize\n", workflow.name);
    return;
  }
  for (const ViewMaterialization& view : result.views) {
    if (view.skipped) {
      fmt::print("{}: skipped (online: false)\n", view.view);
      continue;
    }
    fmt::print("{}: {} rows read, {} keys, {} written in {:.2f} s; watermark {}\n", view.view,
               view.rows_read, view.keys, view.keys_written, view.seconds,
               view.watermark_us ? format_iso8601(*view.watermark_us) : std::string("none"));
  }
  fmt::print("materialized into {}: {} rows read, {} keys written in {:.2f} s\n", store->describe(),
             result.rows_read(), result.keys_written(), result.seconds);
}

}  // namespace

void setup_materialize(CLI::App& command) {
  auto options = std::make_shared<MaterializeCommandOptions>();
  add_common_options(command, options->common);
  command.add_option("--view", options->views,
                     "A feature view to materialize (repeatable); default every online view");
  auto* incremental = command.add_flag(
      "--incremental", options->incremental,
      "Only rows at or after each view's stored watermark (the newest event time materialized)");
  auto* start = command.add_option("--start", options->start,
                                   "Only rows with event time >= this (the watermark stays)");
  auto* end = command.add_option("--end", options->end, "Only rows with event time < this");
  incremental->excludes(start)->excludes(end);
  command.add_option("--format", options->format, "text or json")
      ->check(CLI::IsMember({"text", "json"}));
  command.callback([options] { materialize_command(*options); });
}

}  // namespace mlops::cli

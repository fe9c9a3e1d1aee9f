// `mlops serve [--workflow W]... [--host H] [--port P] [--threads N]`: the online prediction
// API (docs/serving.md) over each workflow's served model (serve.alias, default the champion).

#include <fmt/format.h>

#include "commands.h"
#include "front_door.h"
#include "mlops/config/loader.h"
#include "mlops/serve/prediction_logger.h"
#include "mlops/serve/service.h"
#include "options.h"

namespace mlops::cli {

namespace {

struct ServeCommandOptions {
  CommonOptions common;
  std::vector<std::string> workflows;
  std::string host;
  int port = -1;
  int threads = 0;
};

void serve_command(const ServeCommandOptions& options) {
  std::vector<Workflow> workflows;
  if (options.workflows.size() <= 1) {
    CommonOptions common = options.common;
    if (!options.workflows.empty()) common.workflow = options.workflows.front();
    workflows = load_command_config(common, ConfigScope::kEveryWorkflow).workflows;
  } else {
    for (const std::string& path : options.workflows) {
      CommonOptions common = options.common;
      common.workflow = path;
      workflows.push_back(
          std::move(load_command_config(common, ConfigScope::kOneWorkflow).workflows.front()));
    }
  }
  ServeOverrides overrides;
  if (!options.host.empty()) overrides.host = options.host;
  if (options.port >= 0) overrides.port = options.port;
  if (options.threads > 0) overrides.threads = static_cast<size_t>(options.threads);
  // Every served prediction goes to the evaluation store of the first workflow's settings.
  const Settings& settings = workflows.front().settings;
  const std::unique_ptr<PredictionSink> sink =
      open_prediction_logger(settings, prediction_logger_options(settings));
  run_serve(workflows, overrides, *sink, [](int port) {
    // The one line on stdout: scripts (and tests) read the port from it.
    fmt::print("listening on port {}\n", port);
    std::fflush(stdout);
  });
}

}  // namespace

void setup_serve(CLI::App& command) {
  auto options = std::make_shared<ServeCommandOptions>();
  add_common_options(command, options->common);
  // --workflow repeats here: several workflows served side by side.
  command.remove_option(command.get_option("--workflow"));
  command
      .add_option("--workflow,-w", options->workflows,
                  "Workflow file to serve (repeatable; default: the files listed under "
                  "`workflows` in the config)")
      ->type_name("FILE")
      ->allow_extra_args(false);
  command.add_option("--host", options->host, "Address to listen on (serve.host, 127.0.0.1)");
  command.add_option("--port", options->port, "TCP port (serve.port, 8080; 0: any free port)")
      ->check(CLI::Range(0, 65535));
  command.add_option("--threads", options->threads, "Worker threads (serve.threads, 8)")
      ->check(CLI::Range(1, 1024));
  command.callback([options] { serve_command(*options); });
}

}  // namespace mlops::cli

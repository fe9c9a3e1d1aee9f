// The `mlops-serve` executable: `mlops serve` (cmd_serve.cpp) runs it with its own command line
// (`mlops-serve serve --port 0 ...`). It parses the same flags (serve_options.h), loads the
// config through the front door and runs the server (lib/mlops/serve/), with the error
// handling and exit codes of `mlops` (app_main.h). It is the one program that links
// cpp-httplib, OpenSSL, brotli and zlib (docs/architecture.md, "Two programs").

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>
#include <vector>

#include "app_main.h"
#include "front_door.h"
#include "mlops/config/workflow.h"
#include "mlops/core/stop_signal.h"
#include "mlops/core/version.h"
#include "mlops/serve/prediction_logger.h"
#include "mlops/serve/service.h"
#include "serve_options.h"

namespace mlops::cli {

namespace {

void serve_command(const ServeCommandOptions& options) {
  // First: SIGHUP while the models load is a reload, not the end (SIGTERM and SIGINT keep
  // their default until the server listens: a stop asked for during a slow load ends it now).
  install_reload_handler();
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

}  // namespace mlops::cli

int main(int argc, char** argv) {
  CLI::App app{"mlops-serve: the HTTP server of `mlops serve`, which runs it", "mlops"};
  app.set_version_flag("--version", fmt::format("mlops {}", mlops::kVersion));
  app.require_subcommand(1);
  auto options = std::make_shared<mlops::cli::ServeCommandOptions>();
  CLI::App& serve = *app.add_subcommand("serve", mlops::cli::kServeHelp);
  mlops::cli::add_serve_options(serve, *options);
  serve.callback([options] { mlops::cli::serve_command(*options); });
  return mlops::cli::run_app(app, argc, argv);
}

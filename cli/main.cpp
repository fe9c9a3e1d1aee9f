// The `mlops` executable: builds the CLI from the table of subcommands and runs it; app_main.h
// turns errors into the documented exit codes (README "Exit codes"). `mlops serve` runs the
// program mlops-serve (serve_main.cpp), so only it loads the HTTP server's libraries.

#include <fmt/format.h>

#include <CLI/CLI.hpp>

#include "app_main.h"
#include "mlops/core/version.h"
#include "subcommands.h"

int main(int argc, char** argv) {
  CLI::App app{
      "mlops: a native MLOps toolkit. ingest -> featurize -> validate -> train -> "
      "batch-predict -> export-report, each checked by data contracts.",
      "mlops"};
  app.set_version_flag("--version", fmt::format("mlops {}", mlops::kVersion));
  app.require_subcommand(1);
  app.footer(
      "Exit codes: 0 ok, 1 internal error (or a --check that found changes to make), 2 usage or "
      "config error, 3 contract violation, "
      "4 bad data, 5 I/O or network failure.");
  mlops::cli::add_subcommands(app);
  return mlops::cli::run_app(app, argc, argv);
}

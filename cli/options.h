#pragma once
// Options every subcommand that reads the config shares; front_door.h loads the config they
// describe.

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

namespace mlops::cli {

struct CommonOptions {
  std::string env = "local";
  std::string workflow;
  std::vector<std::string> sets;
  std::string log_format;
  std::string config_dir = "configs";
  std::string run_id;
  bool force = false;
};

/// Adds --env, --workflow, --set, --log-format and --config-dir to a subcommand.
void add_common_options(CLI::App& command, CommonOptions& options);
/// Adds --run ID (stage subcommands that work inside an existing run).
void add_run_option(CLI::App& command, CommonOptions& options);
/// Adds --force: run a stage even when it is unchanged since its last success.
void add_force_option(CLI::App& command, CommonOptions& options);

}  // namespace mlops::cli

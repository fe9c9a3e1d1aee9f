#pragma once
// Options every subcommand shares, and their translation into config load options.

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "mlops/config/loader.h"

namespace mlops::cli {

struct CommonOptions {
  std::string env = "local";
  std::string workflow;
  std::vector<std::string> sets;
  std::string log_format;
  std::string config_dir = "configs";
  std::string run_id;
};

/// Adds --env, --workflow, --set, --log-format and --config-dir to a subcommand.
void add_common_options(CLI::App& command, CommonOptions& options);
/// Adds --run ID (stage subcommands that work inside an existing run).
void add_run_option(CLI::App& command, CommonOptions& options);
/// The config load options these flags describe (--log-format is `--set log_format=...`).
LoadOptions to_load_options(const CommonOptions& options);
/// Applies the effective log settings of the config.
void configure_logging(const std::string& format, const std::string& level);

}  // namespace mlops::cli

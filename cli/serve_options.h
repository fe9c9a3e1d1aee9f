#pragma once
// The flags of `mlops serve`, bound in both programs that parse them: `mlops` (cmd_serve.cpp,
// which checks them, answers --help and then runs mlops-serve) and `mlops-serve`
// (serve_main.cpp, which serves), so the two cannot disagree.

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "options.h"

namespace mlops::cli {

/// The one line `mlops --help` shows for serve.
inline constexpr const char* kServeHelp =
    "Serve each workflow's model over HTTP: predictions by entity key or raw rows, online "
    "features, a fallback chain (batch prediction, baseline, default), hot reload, metrics";

struct ServeCommandOptions {
  CommonOptions common;
  std::vector<std::string> workflows;
  std::string host;
  int port = -1;
  int threads = 0;
};

/// Adds the common options (with a repeatable --workflow), --host, --port and --threads.
void add_serve_options(CLI::App& command, ServeCommandOptions& options);

}  // namespace mlops::cli

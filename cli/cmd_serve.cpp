// `mlops serve [--workflow W]... [--host H] [--port P] [--threads N]`: the online prediction
// API (docs/serving.md). `mlops` checks the flags (and answers --help) here, then replaces
// itself with the program mlops-serve installed beside it, passing the command line on
// unchanged: only that program links the HTTP server and its TLS and compression libraries,
// which every other command would otherwise load at start (docs/architecture.md, "Two
// programs").

#include <cerrno>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "app_main.h"
#include "commands.h"
#include "mlops/core/error.h"
#include "mlops/io/process.h"
#include "serve_options.h"

namespace mlops::cli {

namespace {

/// The server's file name, next to the running `mlops`.
constexpr const char* kServeProgram = "mlops-serve";

[[noreturn]] void exec_serve_program() {
  const std::filesystem::path program = own_executable().parent_path() / kServeProgram;
  std::vector<std::string> argv{program.string()};
  for (const char* arg : command_line_arguments()) argv.emplace_back(arg);
  // SIGHUP (reload) ignored across the exec, until mlops-serve installs its handler: a reload
  // asked for while the server starts must not end it (the default action).
  struct sigaction ignore {};
  ignore.sa_handler = SIG_IGN;
  sigaction(SIGHUP, &ignore, nullptr);
  const ExecFailure failure = replace_process(program, argv);
  if (failure.error == ENOENT) {
    throw ConfigError(
        "mlops serve needs the program {} installed next to mlops, and it is missing (install "
        "both programs: docs/serving.md, \"Install\")",
        program.string());
  }
  throw ConfigError("mlops serve cannot start {}: {}", program.string(),
                    std::strerror(failure.error));
}

}  // namespace

void setup_serve(CLI::App& command) {
  // Bound only to be checked (the callback keeps them alive while CLI11 writes them):
  // mlops-serve parses the same command line again.
  auto options = std::make_shared<ServeCommandOptions>();
  add_serve_options(command, *options);
  command.callback([options] {
    (void)options;
    exec_serve_program();
  });
}

}  // namespace mlops::cli

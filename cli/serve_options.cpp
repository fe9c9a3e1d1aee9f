#include "serve_options.h"

namespace mlops::cli {

void add_serve_options(CLI::App& command, ServeCommandOptions& options) {
  add_common_options(command, options.common);
  // --workflow repeats here: several workflows served side by side.
  command.remove_option(command.get_option("--workflow"));
  command
      .add_option("--workflow,-w", options.workflows,
                  "Workflow file to serve (repeatable; default: the files listed under "
                  "`workflows` in the config)")
      ->type_name("FILE")
      ->allow_extra_args(false);
  command.add_option("--host", options.host, "Address to listen on (serve.host, 127.0.0.1)");
  command.add_option("--port", options.port, "TCP port (serve.port, 8080; 0: any free port)")
      ->check(CLI::Range(0, 65535));
  command
      .add_option("--threads", options.threads,
                  "Server threads: event loops (serve.loop_threads; default one per usable CPU) "
                  "or, with serve.http_server threads, workers (serve.threads, 8)")
      ->check(CLI::Range(1, 1024));
}

}  // namespace mlops::cli

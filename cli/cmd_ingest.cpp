#include "commands.h"
#include "stage_command.h"

namespace mlops::cli {

void setup_ingest(CLI::App& app) {
  add_stage_command(
      app, Stage::kIngest, "ingest",
      "Read the workflow's source, type it, quarantine bad records (starts a new run)");
}

}  // namespace mlops::cli

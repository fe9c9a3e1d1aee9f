#include "commands.h"
#include "stage_command.h"

namespace mlops::cli {

void setup_export_report(CLI::App& app) {
  add_stage_command(app, Stage::kReport, "export-report",
                    "Write the run's self-contained HTML report");
}

}  // namespace mlops::cli

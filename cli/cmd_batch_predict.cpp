#include "commands.h"
#include "stage_command.h"

namespace mlops::cli {

void setup_batch_predict(CLI::App& app) {
  add_stage_command(app, Stage::kPredict, "batch-predict",
                    "Score a table with the run's model and saved feature state");
}

}  // namespace mlops::cli

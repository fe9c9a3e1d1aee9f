#include "commands.h"
#include "stage_command.h"

namespace mlops::cli {

void setup_train(CLI::App& app) {
  add_stage_command(app, Stage::kTrain, "train",
                    "Train XGBoost on the features and record holdout metrics against a baseline");
}

}  // namespace mlops::cli

#include "commands.h"
#include "stage_command.h"

namespace mlops::cli {

void setup_train(CLI::App& command) {
  bind_stage_command(command, Stage::kTrain);
}

}  // namespace mlops::cli

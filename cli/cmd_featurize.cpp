#include "commands.h"
#include "stage_command.h"

namespace mlops::cli {

void setup_featurize(CLI::App& command) {
  bind_stage_command(command, Stage::kFeaturize);
}

}  // namespace mlops::cli

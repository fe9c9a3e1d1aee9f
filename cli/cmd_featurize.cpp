#include "commands.h"
#include "stage_command.h"

namespace mlops::cli {

void setup_featurize(CLI::App& app) {
  add_stage_command(app, Stage::kFeaturize, "featurize",
                    "Fit the declared transforms on training rows and write the feature table");
}

}  // namespace mlops::cli

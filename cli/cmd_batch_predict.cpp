#include "commands.h"
#include "stage_command.h"

namespace mlops::cli {

namespace {

/// A flag that is sugar for `--set key=value`.
void add_set_flag(CLI::App& command, const std::shared_ptr<CommonOptions>& options,
                  const std::string& flag, const std::string& key, const std::string& help,
                  const std::string& type_name) {
  command
      .add_option_function<std::string>(
          flag,
          [options, key](const std::string& value) { options->sets.push_back(key + "=" + value); },
          help)
      ->type_name(type_name);
}

}  // namespace

void setup_batch_predict(CLI::App& command) {
  auto options = std::make_shared<CommonOptions>();
  bind_stage_command(command, Stage::kBatchPredict, {}, options);
  add_set_flag(command, options, "--input", "predict.input",
               "File to score (starts a new run); default the run's clean table", "FILE");
  add_set_flag(command, options, "--model", "predict.model",
               "Registered version or alias to score with (default champion)", "REF");
  add_set_flag(command, options, "--shard", "predict.shard",
               "Score only shard K of N (0-based), e.g. 2/8", "K/N");
  add_set_flag(command, options, "--output", "predict.output",
               "Also write the predictions to this file", "FILE");
  add_set_flag(command, options, "--scored-at", "predict.scored_at",
               "Timestamp recorded as scored_at (default now)", "TIME");
}

}  // namespace mlops::cli

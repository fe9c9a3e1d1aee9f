#pragma once
// Each subcommand: setup_<name> binds its flags and sets the callback that runs it. Callbacks
// throw mlops::Error; main() maps errors to exit codes.

#include <CLI/CLI.hpp>

namespace mlops::cli {

void setup_ingest(CLI::App& app);
void setup_featurize(CLI::App& app);
void setup_validate(CLI::App& app);
void setup_train(CLI::App& app);
void setup_batch_predict(CLI::App& app);
void setup_export_report(CLI::App& app);
void setup_run(CLI::App& app);
void setup_config(CLI::App& app);
void setup_contract(CLI::App& app);
void setup_models(CLI::App& app);
void setup_evaluate(CLI::App& app);
void setup_init(CLI::App& app);
void setup_notebooks(CLI::App& app);

}  // namespace mlops::cli

#pragma once
// Each subcommand: setup_<name> binds its flags to `command` (created by subcommands.cpp with
// the name and help of its row in the table) and sets the callback that runs it. Callbacks
// throw mlops::Error; main() maps errors to exit codes.

#include <CLI/CLI.hpp>

namespace mlops::cli {

void setup_ingest(CLI::App& command);
void setup_featurize(CLI::App& command);
void setup_validate(CLI::App& command);
void setup_train(CLI::App& command);
void setup_tracker(CLI::App& command);
void setup_batch_predict(CLI::App& command);
void setup_export_report(CLI::App& command);
void setup_run(CLI::App& command);
void setup_status(CLI::App& command);
void setup_config(CLI::App& command);
void setup_contract(CLI::App& command);
void setup_models(CLI::App& command);
void setup_evaluate(CLI::App& command);
void setup_init(CLI::App& command);
void setup_notebooks(CLI::App& command);
void setup_features(CLI::App& command);  // the group: historical (+ get, list, describe)
void setup_materialize(CLI::App& command);
void setup_serve(CLI::App& command);
void setup_store(CLI::App& command);  // migrate, copy
/// Adds get, list and describe to the `features` group (cmd_features_online.cpp).
void setup_features_online(CLI::App& features);

}  // namespace mlops::cli

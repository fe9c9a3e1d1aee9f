#include "subcommands.h"

#include <vector>

#include "app_main.h"
#include "commands.h"
#include "serve_options.h"

namespace mlops::cli {

namespace {

constexpr Subcommand kSubcommands[] = {
    {"ingest", setup_ingest,
     "Read what is new from the workflow's sources (files, HTTP APIs, SQLite, Kafka) into the "
     "lake's raw, clean and quarantine layers, then write the run's clean table (starts a new "
     "run)"},
    {"featurize", setup_featurize,
     "Fit the declared transforms on training rows and write the feature table"},
    {"validate", setup_validate,
     "Check the run's features against contracts; or, with --contract, check data files alone"},
    {"train", setup_train,
     "Train XGBoost on the features and record holdout metrics against a baseline (--workers "
     "N: distributed over N processes through XGBoost's collective)"},
    {"tracker", setup_tracker,
     "Start XGBoost's tracker for a distributed training over several machines and print the "
     "workers' environment (DMLC_TRACKER_URI, DMLC_TRACKER_PORT)"},
    {"batch-predict", setup_batch_predict,
     "Score a table with a registered model (default the champion) and its saved feature "
     "state"},
    {"export-report", setup_export_report,
     "Write the run's report: self-contained HTML, a Markdown summary and the same as JSON"},
    {"run", setup_run,
     "Run every stage of the workflow (or of each configured workflow) in a new run; stages "
     "unchanged since their last success are skipped (--force reruns them)"},
    {"status", setup_status,
     "Show which stages are up to date and which are stale and why (like `dvc status`)"},
    {"config", setup_config, "Inspect the layered configuration"},
    {"contract", setup_contract, "Draft contracts and profiles from data"},
    {"models", setup_models,
     "The model registry: versions, aliases (champion, challenger), promotion"},
    {"store", setup_store,
     "The stores as a whole: migrate their schema, copy SQLite history into PostgreSQL"},
    {"evaluate", setup_evaluate,
     "Join labels that arrived after scoring with logged predictions; record live metrics"},
    {"materialize", setup_materialize,
     "Write the latest value of each entity key of the workflow's online feature views into "
     "the online store (online_store.url)"},
    {"serve", setup_serve, kServeHelp},
    {"init", setup_init,
     "Create a new ML project in DIR: a workflow on bundled sample data, configs for local, dev "
     "and prod, a contract, a notebook, pre-commit hooks and GitHub Actions"},
    {"notebooks", setup_notebooks, "Strip Jupyter notebooks for git, or export them to HTML"},
    {"features", setup_features,
     "The feature store: point-in-time joins of entity rows with feature views (historical), "
     "online lookups by entity key (get), the catalog of views (list, describe)"},
};

}  // namespace

std::span<const Subcommand> subcommands() {
  return kSubcommands;
}

void add_subcommands(CLI::App& app) {
  for (const Subcommand& subcommand : subcommands()) {
    subcommand.setup(*app.add_subcommand(subcommand.name, subcommand.help));
  }
}

std::string usage_error_message(std::optional<std::string_view> first_arg,
                                const std::string& message) {
  std::vector<std::string> names;
  for (const Subcommand& subcommand : subcommands()) names.emplace_back(subcommand.name);
  return usage_error_message(first_arg, message, names);
}

}  // namespace mlops::cli

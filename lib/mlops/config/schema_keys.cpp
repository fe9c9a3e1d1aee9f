// The one table of config keys (LightGBM's config.h idea): validation, the built-in defaults,
// the environment layer and docs/config.md all read it.

#include <limits>

#include "mlops/config/schema.h"
#include "mlops/config/schema_checks.h"
#include "mlops/config/tree_path.h"

namespace mlops {

namespace {

KeyDecl key(std::string path, KeyType type, std::string default_value, std::string help,
            std::vector<std::string> choices = {}) {
  return KeyDecl{std::move(path), type, std::move(default_value), std::move(help),
                 std::move(choices)};
}

}  // namespace

const std::vector<KeyDecl>& config_keys() {
  using T = KeyType;
  static const std::vector<KeyDecl> keys{
      // Settings every command uses.
      key("data_dir", T::kPath, "data",
          "Directory of input data; workflows refer to it as `${data_dir}`."),
      key("runs_dir", T::kPath, "runs",
          "Directory where runs, their outputs and manifests are written."),
      key("log_format", T::kEnum, "text", "Log output: human-readable text or JSON lines.",
          {"text", "json"}),
      key("log_level", T::kEnum, "info", "Lowest level logged.",
          {"debug", "info", "warn", "error"}),
      key("seed", T::kInt, "42", "Seed for everything random unless a stage sets its own."),
      key("workflows", T::kStringList, "", "Workflow files `mlops run` runs when none is given."),
      key("store", T::kMap, "", "The tracking store (runs, models, evaluations)."),
      key("store.backend", T::kEnum, "sqlite", "Tracking store backend.", {"sqlite"}),
      key("store.path", T::kPath, "", "SQLite database file; default `<runs_dir>/mlops.db`."),

      // One workflow.
      key("name", T::kString, "", "Workflow name (required in a workflow file)."),
      key("description", T::kString, "", "One line saying what the workflow does."),
      key("ingest", T::kMap, "", "Reading and typing the raw data."),
      key("ingest.source", T::kMap, "", "Where the raw data comes from."),
      key("ingest.source.type", T::kEnum, "file", "Kind of source.", {"file"}),
      key("ingest.source.path", T::kPath, "",
          "Input file (required in a workflow), e.g. `${data_dir}/penguins.csv`."),
      key("ingest.source.format", T::kEnum, "auto",
          "Input format; auto picks it from the file extension.",
          {"auto", "csv", "tsv", "json", "jsonl"}),
      key("ingest.schema", T::kOpenMap, "",
          "Declared columns: `name: dtype` or `name: {type: string, values: [a, b]}`; other "
          "columns "
          "are inferred."),
      key("ingest.null_values", T::kStringList, "",
          "Field texts read as null besides the empty field, e.g. NA."),
      key("featurize", T::kMap, "", "Turning the clean table into features."),
      key("featurize.transforms", T::kAny, "", "List of transforms, each a map with a `type`."),
      key("featurize.label", T::kMap, "", "The prediction target."),
      key("featurize.label.column", T::kString, "", "Column holding the label."),
      key("featurize.drop", T::kStringList, "", "Columns that are not features (ids, free text)."),
      key("train", T::kMap, "", "Model training."),
      key("train.objective", T::kString, "reg:squarederror",
          "XGBoost objective, e.g. binary:logistic, multi:softprob."),
      key("train.rounds", T::kInt, "100", "Boosting rounds."),
      key("train.split", T::kMap, "", "How rows are split into training and holdout sets."),
      key("train.split.type", T::kEnum, "random", "Split method.", {"random"}),
      key("train.split.holdout", T::kFloat, "0.2", "Fraction of rows held out for evaluation."),
      key("train.split.stratify", T::kBool, "true",
          "Keep class proportions in both sets (classification only)."),
      key("train.split.seed", T::kInt, "", "Split seed; default the top-level seed."),
      key("train.params", T::kOpenMap, "",
          "Other XGBoost parameters, passed through as text (max_depth, eta, ...)."),
      key("predict", T::kMap, "", "Batch prediction."),
      key("predict.input", T::kPath, "", "File to score; default this run's clean ingest table."),
      key("predict.id_columns", T::kStringList, "",
          "Columns copied into the predictions to identify rows."),
      key("report", T::kMap, "", "The HTML report."),
      key("report.title", T::kString, "", "Report title; default the workflow name."),
      key("contracts", T::kOpenMap, "",
          "Stage name (ingest, featurize, validate, train, predict) -> an inline contract or a "
          "contract file "
          "path."),
  };
  return keys;
}

namespace config_detail {

const std::vector<RangeCheck>& range_checks() {
  constexpr double kIntMax = std::numeric_limits<int>::max();
  constexpr double kSeedMax = static_cast<double>(std::numeric_limits<int64_t>::max());
  static const std::vector<RangeCheck> checks{
      {"seed", 0, kSeedMax, false, "must not be negative"},
      {"train.rounds", 1, kIntMax, false, "must be from 1 to 2147483647"},
      {"train.split.holdout", 0, 1, true, "must be between 0 and 1 (exclusive)"},
      {"train.split.seed", 0, kSeedMax, false, "must not be negative"},
  };
  return checks;
}

const RangeCheck* find_range_check(std::string_view path) {
  for (const auto& check : range_checks()) {
    if (check.path == path) return &check;
  }
  return nullptr;
}

}  // namespace config_detail

ConfigNode builtin_defaults() {
  const Origin origin{"built-in", 0, 0};
  ConfigNode root = ConfigNode::map(origin);
  for (const auto& key : config_keys()) {
    if (!key.default_value.empty()) {
      config_detail::set_path(root, key.path, ConfigNode::scalar(key.default_value, origin));
    }
  }
  return root;
}

}  // namespace mlops

#include "mlops/core/error.h"
#include "mlops/core/suggest.h"
#include "mlops/features/feature_pipeline.h"
#include "mlops/io/table_file.h"
#include "mlops/model/task.h"
#include "mlops/pipeline/stages.h"
#include "mlops/pipeline/training_split.h"

namespace mlops {

StageRecord run_featurize_stage(RunContext& run) {
  run.require_stage(Stage::kIngest, Stage::kFeaturize);
  const Workflow& workflow = run.workflow();
  const RunPaths& paths = run.paths();
  const Table clean = read_table(paths.clean_table());

  const bool categorical = task_for_objective(workflow.train.objective) != Task::kRegression;
  const std::string& label_name = workflow.featurize.label.column;
  const Column* label = clean.find(label_name);
  if (!label) {
    throw ConfigError("featurize.label.column: no column '{}' in the ingested table{}", label_name,
                      did_you_mean(label_name, clean.column_names()));
  }
  // Fit on the training side of the split only, so holdout rows never shape the features.
  SplitIndices split = training_split(*label, categorical, workflow.train.split);
  FeaturePipeline pipeline(workflow.featurize, categorical);
  pipeline.fit(clean.take(split.train));
  Table features = pipeline.transform(clean);

  write_table(features, paths.features());
  pipeline.save(paths.feature_state());

  StageRecord record;
  record.inputs = {paths.clean_table()};
  record.outputs = {paths.features(), paths.feature_state()};
  record.rows = features.num_rows();
  record.columns = features.num_columns();
  record.details = {{"features", pipeline.feature_names()},
                    {"label", label_name},
                    {"fitted_on_rows", split.train.size()},
                    {"unlabeled_rows", label->null_count()}};

  // Built-in: one feature row per clean row, and the label kept.
  Contract builtin{
      .name = "built-in featurize", .min_rows = clean.num_rows(), .max_rows = clean.num_rows()};
  builtin.columns.push_back({.column = label_name});
  record.contracts.push_back(check_contract(builtin, features, "featurize"));
  check_declared_contract(run, Stage::kFeaturize, features, record);
  return record;
}

}  // namespace mlops

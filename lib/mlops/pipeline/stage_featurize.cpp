#include "mlops/features/feature_pipeline.h"
#include "mlops/io/table_file.h"
#include "mlops/model/task.h"
#include "mlops/pipeline/stages.h"
#include "mlops/model/train/training_split.h"

namespace mlops {

StageRecord run_featurize_stage(RunContext& run) {
  run.require_stage(Stage::kIngest, Stage::kFeaturize);
  const Workflow& workflow = run.workflow();
  const RunPaths& paths = run.paths();
  Table clean = run.take_table(paths.clean_table());
  const size_t clean_rows = clean.num_rows();

  const bool categorical = task_for_objective(workflow.train.objective) != Task::kRegression;
  FeaturePipeline pipeline(workflow.featurize, categorical);
  // The declared label column, or the label expression's value (`delay > 15`).
  const Column label = pipeline.label_column(clean);
  const std::string& label_name = label.name();
  // Fit on the training side of the split only, so holdout rows never shape the features.
  SplitIndices split = training_split(clean, label, categorical, workflow.train.split);
  // A group split's groups travel too: train keeps them whole in its validation set and folds.
  std::vector<uint64_t> groups;
  if (workflow.train.split.type == "group") groups = split_groups(clean, workflow.train.split);
  Table features = pipeline.fit_transform(std::move(clean), label, split.train);  // clean is spent
  // Train reads the split from here, so it needs neither the time column nor the seed logic.
  features.add_column(split_column(split, features.num_rows()));
  if (!groups.empty()) features.add_column(group_column(groups));

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
                    {"holdout_rows", split.holdout.size()},
                    {"unlabeled_rows", label.null_count()}};
  if (!pipeline.label().expr.empty()) record.details["label_expr"] = pipeline.label().expr;

  // Built-in: one feature row per clean row, the label kept, and no column the label is
  // computed from (it would leak the label into the features).
  Contract builtin{.name = "built-in featurize", .min_rows = clean_rows, .max_rows = clean_rows};
  builtin.columns.push_back({.column = label_name});
  builtin.forbidden = pipeline.label().sources;
  std::erase(builtin.forbidden, label_name);
  record.contracts.push_back(check_contract(builtin, features, "featurize"));
  check_declared_contract(run, Stage::kFeaturize, features, record);
  run.hand_over(paths.features(), std::move(features));  // validate and train read it next
  return record;
}

}  // namespace mlops

#include "mlops/features/featurize.h"
#include "mlops/io/table_file.h"
#include "mlops/pipeline/stages.h"

namespace mlops {

FeaturizeOutput run_featurize_stage(RunContext& run, std::optional<Table> clean) {
  run.require_stage(Stage::kIngest, Stage::kFeaturize);
  const Workflow& workflow = run.workflow();
  const RunPaths& paths = run.paths();
  if (!clean) clean = read_table(paths.clean_table());
  FeaturizeResult result = featurize(std::move(*clean), workflow.featurize, workflow.train);
  const FeaturePipeline& pipeline = result.pipeline;
  const LabelInfo& label = pipeline.label();

  write_table(result.features, paths.features());
  pipeline.save(paths.feature_state());

  StageRecord record;
  record.inputs = {paths.clean_table()};
  record.outputs = {paths.features(), paths.feature_state()};
  record.rows = result.features.num_rows();
  record.columns = result.features.num_columns();
  record.details = {{"features", pipeline.feature_names()},
                    {"label", label.column},
                    {"fitted_on_rows", result.split.train.size()},
                    {"holdout_rows", result.split.holdout.size()},
                    {"unlabeled_rows", result.unlabeled_rows}};
  if (!label.expr.empty()) record.details["label_expr"] = label.expr;

  // Built-in: one feature row per clean row, the label kept, and no column the label is
  // computed from (it would leak the label into the features).
  Contract builtin{
      .name = "built-in featurize", .min_rows = result.clean_rows, .max_rows = result.clean_rows};
  builtin.columns.push_back({.column = label.column});
  builtin.forbidden = label.sources;
  std::erase(builtin.forbidden, label.column);
  record.contracts.push_back(check_contract(builtin, result.features, "featurize"));
  check_declared_contract(run, Stage::kFeaturize, result.features, record);
  // validate and train read the table next
  return FeaturizeOutput{.record = std::move(record), .features = std::move(result.features)};
}

}  // namespace mlops

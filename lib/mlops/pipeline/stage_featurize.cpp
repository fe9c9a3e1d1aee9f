#include "mlops/core/log.h"
#include "mlops/feature_store/historical_join.h"
#include "mlops/features/featurize.h"
#include "mlops/io/file.h"
#include "mlops/io/table_file.h"
#include "mlops/pipeline/stages.h"

namespace mlops {

FeaturizeOutput run_featurize_stage(RunContext& run, std::optional<Table> clean) {
  run.require_stage(Stage::kIngest, Stage::kFeaturize);
  const Workflow& workflow = run.workflow();
  const RunPaths& paths = run.paths();
  // featurize.source historical: the rows are the entity file joined point-in-time with the
  // views (which ingest keeps in the lake), not the clean table.
  const FeaturizeSourceSpec& source = workflow.featurize.source;
  HistoricalJoinStats joined;
  nlohmann::json joined_schema = nlohmann::json::array();
  if (source.type == "historical") {
    clean = historical_join_table(workflow, featurize_join_spec(source), &joined);
    log_info("featurize: entity rows joined with feature views",
             {{"entities", source.entities}, {"rows", std::to_string(joined.rows)}});
    // The model's input is the joined rows (entity columns and VIEW__FEATURE columns), not a
    // lake table: train records these types so serving can type and check a request.
    for (const Column& column : clean->columns()) {
      joined_schema.push_back(
          {{"name", column.name()}, {"dtype", std::string(dtype_name(column.type()))}});
    }
  } else if (!clean) {
    clean = read_table(paths.clean_table());
  }
  FeaturizeResult result = featurize(std::move(*clean), workflow.featurize, workflow.train);
  const FeaturePipeline& pipeline = result.pipeline;
  const LabelInfo& label = pipeline.label();

  write_table(result.features, paths.features());
  pipeline.save(paths.feature_state());

  StageRecord record;
  record.inputs = {source.type == "historical" ? source.entities : paths.clean_table()};
  record.outputs = {paths.features(), paths.feature_state()};
  if (source.type == "historical") {
    write_file_atomic(paths.joined_schema(), joined_schema.dump(2) + "\n");
    record.outputs.push_back(paths.joined_schema());
  }
  record.rows = result.features.num_rows();
  record.columns = result.features.num_columns();
  record.details = {{"features", pipeline.feature_names()},
                    {"label", label.column},
                    {"fitted_on_rows", result.split.train.size()},
                    {"holdout_rows", result.split.holdout.size()},
                    {"unlabeled_rows", result.unlabeled_rows}};
  if (!label.expr.empty()) record.details["label_expr"] = label.expr;
  if (source.type == "historical") {
    nlohmann::json views = nlohmann::json::object();
    for (size_t v = 0; v < joined.views.size(); ++v) {
      views[joined.views[v]] = {{"matched", joined.matched[v]}};
    }
    record.details["source"] = {{"type", "historical"},
                                {"entities", source.entities},
                                {"rows", joined.rows},
                                {"views", views}};
  }

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

// validate: the gate before training. It checks the feature table against the built-in
// training-readiness checks (contracts/training_readiness.h) and the workflow's
// `contracts.validate`.

#include <optional>

#include "mlops/contracts/training_readiness.h"
#include "mlops/features/feature_pipeline.h"
#include "mlops/io/file.h"
#include "mlops/io/table_file.h"
#include "mlops/pipeline/stages.h"

namespace mlops {

StageRecord run_validate_stage(RunContext& run, const Table* features) {
  run.require_stage(Stage::kFeaturize, Stage::kValidate);
  const RunPaths& paths = run.paths();
  std::optional<Table> read;
  if (!features) features = &read.emplace(read_table(paths.features()));
  const FeaturePipeline pipeline = FeaturePipeline::load(paths.feature_state());

  StageRecord record;
  record.inputs = {paths.features(), paths.feature_state()};
  record.outputs = {paths.validation()};
  record.rows = features->num_rows();
  record.columns = features->num_columns();
  record.contracts.push_back(validate_training_table(*features, pipeline));
  check_declared_contract(run, Stage::kValidate, *features, record);

  nlohmann::json reports = nlohmann::json::array();
  for (const auto& report : record.contracts) reports.push_back(report.to_json());
  write_file_atomic(paths.validation(), reports.dump(2) + "\n");
  return record;
}

}  // namespace mlops

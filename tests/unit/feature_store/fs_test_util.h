#pragma once
// Shared helpers of the feature store tests: a workflow with one entity and views over lake
// tables, and committing CSV text to its lake.

#include <string>

#include "mlops/config/workflow.h"
#include "mlops/ingest/lake.h"
#include "mlops/io/typed_read.h"
#include "support/temp_dir.h"

namespace mlops::testing {

/// A workflow `wf` whose lake and runs live in `dir`, with entity `airport` keyed by `origin`
/// (string) and no views yet.
inline Workflow feature_workflow(const TempDir& dir) {
  Workflow workflow;
  workflow.name = "wf";
  workflow.settings.lake_dir = dir.file("lake");
  workflow.settings.runs_dir = dir.file("runs");
  workflow.feature_store.entities.push_back(
      {.name = "airport", .keys = {{"origin", DType::kString}}, .description = "", .origin = "t"});
  return workflow;
}

/// A view of `table` in the workflow's lake.
inline FeatureViewSpec lake_view(std::string name, std::string table, int64_t ttl_us = 0) {
  FeatureViewSpec view;
  view.name = std::move(name);
  view.entity = "airport";
  view.source.table = std::move(table);
  view.event_time = "hour";
  view.ttl_us = ttl_us;
  view.origin = "wf.yaml:1:1";
  return view;
}

/// Commits `csv` (types inferred) to clean table `table` of `workflow_name`'s lake.
inline void commit_csv(const Workflow& workflow, const std::string& table, const std::string& csv,
                       const std::string& workflow_name = "wf") {
  Lake lake(workflow.settings.lake_dir + "/" + lake_component(workflow_name));
  Batch batch;
  ReadOptions options;
  options.source_name = table;
  batch.tables.push_back({.table = table,
                          .source = table,
                          .result = read_table_text(csv, "csv", options),
                          .record_sources = {},
                          .record_texts = {},
                          .json = false,
                          .origin = ""});
  lake.commit(table, "", std::move(batch));
}

}  // namespace mlops::testing

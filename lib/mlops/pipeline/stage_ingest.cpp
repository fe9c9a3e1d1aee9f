#include "mlops/core/log.h"
#include "mlops/ingest/file_source.h"
#include "mlops/ingest/quarantine.h"
#include "mlops/io/table_file.h"
#include "mlops/pipeline/stages.h"

namespace mlops {

StageRecord run_ingest_stage(RunContext& run) {
  const IngestSpec& spec = run.workflow().ingest;
  ReadResult result = read_source(spec);
  const RunPaths& paths = run.paths();
  write_table(result.table, paths.clean_table());
  write_quarantine(result.bad, paths.quarantine());
  if (!result.bad.empty()) {
    log_warn("ingest: records sent to quarantine",
             {{"count", static_cast<uint64_t>(result.bad.size())}, {"file", paths.quarantine()},
              {"first_reason", result.bad.front().reason}});
  }

  StageRecord record;
  record.inputs = {spec.source.path};
  record.outputs = {paths.clean_table(), paths.quarantine()};
  record.rows = result.table.num_rows();
  record.columns = result.table.num_columns();
  record.details = {{"quarantined", result.bad.size()},
                    {"read", result.table.num_rows() + result.bad.size()}};

  // Built-in: ingest produced rows. The user's contract adds the rest.
  Contract builtin{.name = "built-in ingest", .min_rows = 1};
  record.contracts.push_back(check_contract(builtin, result.table, "ingest"));
  check_declared_contract(run, Stage::kIngest, result.table, record);
  return record;
}

}  // namespace mlops

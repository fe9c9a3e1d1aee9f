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
             {{"count", static_cast<uint64_t>(result.bad.size())},
              {"file", paths.quarantine()},
              {"first_reason", result.bad.front().reason}});
  }

  StageRecord record;
  record.inputs = {spec.source.path};
  record.outputs = {paths.clean_table(), paths.quarantine()};
  record.rows = result.table.num_rows();
  record.columns = result.table.num_columns();
  record.details = {{"quarantined", result.bad.size()},
                    {"read", result.table.num_rows() + result.bad.size()}};

  // Built-in: ingest produced rows, and every declared column is in the source. A JSON source
  // without a declared key yields an all-null column; that is a missing column, not data.
  Contract builtin{.name = "built-in ingest", .min_rows = 1};
  ContractReport report = check_contract(builtin, result.table, "ingest");
  for (const auto& declared : spec.schema) {
    const Column* column = result.table.find(declared.name);
    CheckResult check;
    check.check = "declared_column_present";
    check.column = declared.name;
    check.expected = "present with values";
    check.passed = column && (column->size() == 0 || column->null_count() < column->size());
    check.observed = !column ? "missing" : check.passed ? "present" : "missing from every record";
    report.checks.push_back(std::move(check));
  }
  record.contracts.push_back(std::move(report));
  check_declared_contract(run, Stage::kIngest, result.table, record);
  return record;
}

}  // namespace mlops

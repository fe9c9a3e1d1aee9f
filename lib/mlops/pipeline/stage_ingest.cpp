#include <chrono>
#include <memory>
#include <optional>

#include "mlops/core/log.h"
#include "mlops/core/stop_signal.h"
#include "mlops/feature_store/online_push.h"
#include "mlops/ingest/ingest_run.h"
#include "mlops/io/file.h"
#include "mlops/io/quarantine.h"
#include "mlops/io/table_file.h"
#include "mlops/pipeline/stages.h"
#include "mlops/report/data_profile.h"
#include "mlops/store/open_stores.h"

namespace mlops {

IngestOutput run_ingest_stage(RunContext& run) {
  const Workflow& workflow = run.workflow();
  const IngestSpec& spec = workflow.ingest;
  const RunPaths& paths = run.paths();
  // The lake keeps what every earlier run ingested; this run adds what is new, and the run's
  // clean table is the whole main table as it now stands.
  Lake lake(lake_root(workflow));
  // Follow mode: the kafka source runs until SIGTERM/SIGINT, and each commit's rows go on to
  // the online views over its tables before the offsets are acknowledged (online_push.h).
  IngestOptions options;
  std::unique_ptr<OnlineStore> store;
  std::optional<OnlinePush> push;
  if (spec.follow) {
    check_sources(workflow);
    install_stop_handlers();
    if (!followed_views(workflow).empty()) {
      store = open_online_store(workflow.settings);
      OnlinePushOptions push_options;
      push_options.stop = stop_requested;
      push.emplace(workflow, *store, std::move(push_options));
      push->catch_up([&lake](const std::string& table) { return lake.rows(table) > 0; });
      options.after_commit = [&push](const CommitStats& commit) { push->push(commit); };
    } else {
      log_info(
          "ingest: no online feature view reads this workflow's lake; following without "
          "an online push");
    }
  }
  IngestOutcome outcome = run_ingest(workflow, lake, options);
  lake.snapshot(outcome.main_table, paths.clean_table());
  Table table = lake.load(outcome.main_table);
  const std::vector<BadRecord>& bad = lake.quarantined();
  write_quarantine(bad, paths.quarantine());
  if (!bad.empty()) {
    log_warn("ingest: records sent to quarantine", {{"count", static_cast<uint64_t>(bad.size())},
                                                    {"file", paths.quarantine()},
                                                    {"first_reason", bad.front().reason}});
  }
  if (outcome.error) std::rethrow_exception(outcome.error);
  // The report's data profile: summaries of the clean table, never its rows.
  const auto profile_start = std::chrono::steady_clock::now();
  write_file_atomic(
      paths.data_profile(),
      profile_data(table).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
  const double profile_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - profile_start).count();

  StageRecord record;
  record.inputs = outcome.inputs;
  // The lake's checkpoint too: a later run may skip ingest only while the lake is as this run
  // left it (stage_skip.h).
  record.outputs = {paths.clean_table(), paths.quarantine(), paths.data_profile(),
                    lake.root() + "/checkpoint.json"};
  record.rows = table.num_rows();
  record.columns = table.num_columns();
  uint64_t read = 0, added = 0, duplicates = 0;
  nlohmann::json sources = nlohmann::json::object();
  for (const auto& source : outcome.sources) {
    read += source.records;
    added += source.rows;
    duplicates += source.duplicates;
    sources[source.name] = {{"type", source.type},
                            {"records", source.records},
                            {"rows_added", source.rows},
                            {"quarantined", source.quarantined},
                            {"duplicates", source.duplicates},
                            {"seconds", source.seconds}};
  }
  record.details = {{"quarantined", bad.size()},
                    {"read", read},
                    {"rows_added", added},
                    {"duplicates", duplicates},
                    {"table", outcome.main_table},
                    {"tables", lake.tables()},
                    {"lake", lake.root()},
                    {"sources", sources},
                    {"profile_seconds", profile_seconds}};

  // Built-in: ingest produced rows, and every declared column is in the source. A JSON source
  // without a declared key yields an all-null column; that is a missing column, not data.
  Contract builtin{.name = "built-in ingest", .min_rows = 1};
  ContractReport report = check_contract(builtin, table, "ingest");
  for (const auto& declared : spec.schema) {
    const Column* column = table.find(declared.name);
    CheckResult check;
    check.check = "declared_column_present";
    check.column = declared.name;
    check.expected = "present with values";
    check.passed = column && (column->size() == 0 || column->null_count() < column->size());
    check.observed = !column ? "missing" : check.passed ? "present" : "missing from every record";
    report.checks.push_back(std::move(check));
  }
  record.contracts.push_back(std::move(report));
  check_declared_contract(run, Stage::kIngest, table, record);
  // featurize takes the table as written; a contract that quarantined rows rewrote the file.
  IngestOutput output{.record = std::move(record), .clean = std::nullopt};
  if (!output.record.details.contains("contract_quarantined")) output.clean = std::move(table);
  return output;
}

}  // namespace mlops

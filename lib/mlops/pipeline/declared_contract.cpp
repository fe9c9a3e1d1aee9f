// The user's contract of a stage, and what its row policy and drift section need from the run:
// `policy: quarantine` on contracts.ingest moves violating rows from the clean table to the
// run's quarantine, and a drift section without `reference` compares with the run's training
// profile once there is one.

#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <optional>

#include "mlops/core/error.h"
#include "mlops/core/log.h"
#include "mlops/io/file.h"
#include "mlops/io/quarantine.h"
#include "mlops/io/table_file.h"
#include "mlops/pipeline/stages.h"

namespace mlops {

namespace {

/// Rewrites the clean table without the quarantined rows and appends them, with their reasons,
/// to the ingest quarantine.
void quarantine_rows(const RunContext& run, const Table& table, const ContractReport& report,
                     StageRecord& record) {
  const Table kept = without_rows(table, report.quarantined_rows);
  write_table(kept, run.paths().clean_table());
  const std::string path = run.paths().quarantine();
  std::string lines = path_exists(path) ? read_file(path) : "";
  for (size_t i = 0; i < report.quarantined_rows.size(); ++i) {
    const size_t row = report.quarantined_rows[i];
    nlohmann::json raw = nlohmann::json::object();
    for (const auto& column : table.columns()) {
      raw[column.name()] =
          column.is_null(row) ? nlohmann::json(nullptr) : nlohmann::json(column.format_value(row));
    }
    BadRecord bad;
    bad.source = "contract " + report.contract;
    bad.record = row;
    bad.reason = report.quarantine_reasons[i];
    bad.raw = raw.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    lines += quarantine_line(quarantine_json(bad));
  }
  write_file_atomic(path, lines);
  record.rows = kept.num_rows();
  record.details["contract_quarantined"] = report.quarantined_rows.size();
  log_warn("ingest: rows violating the contract sent to quarantine",
           {{"count", static_cast<uint64_t>(report.quarantined_rows.size())},
            {"contract", report.contract},
            {"file", path},
            {"first_reason", report.quarantine_reasons.front()}});
}

}  // namespace

void check_declared_contract(const RunContext& run, Stage stage, const Table& table,
                             StageRecord& record, const Table* drift_table) {
  const std::string name(stage_name(stage));
  auto it = run.workflow().contracts.find(name);
  if (it == run.workflow().contracts.end()) return;
  const Contract contract = load_contract(it->second, name);
  if (contract.policy == RowPolicy::kQuarantine && stage != Stage::kIngest) {
    throw ConfigError(
        "contract '{}': policy quarantine applies to contracts.ingest and `mlops validate`; "
        "stage {} keeps one output row per input row (use policy: fail)",
        contract.name, name);
  }
  CheckOptions options;
  std::optional<DriftReference> reference;
  const std::string profile = run.paths().train_dir() + "/profile.json";
  if (contract.drift && contract.drift->reference.empty() && path_exists(profile)) {
    reference = load_drift_reference(profile);
    options.reference = &*reference;
  }
  if (drift_table && contract.drift) {
    Contract rest = contract;
    rest.drift.reset();
    Contract drift{.name = contract.name};
    drift.drift = contract.drift;
    ContractReport report = check_contract(rest, table, name, options);
    ContractReport drifted = check_contract(drift, *drift_table, name, options);
    for (auto& check : drifted.checks) report.checks.push_back(std::move(check));
    record.contracts.push_back(std::move(report));
    return;
  }
  ContractReport report = check_contract(contract, table, name, options);
  if (!report.quarantined_rows.empty()) quarantine_rows(run, table, report, record);
  record.contracts.push_back(std::move(report));
}

}  // namespace mlops

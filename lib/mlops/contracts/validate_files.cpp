#include "mlops/contracts/validate_files.h"

#include <fmt/format.h>

#include <optional>

#include "mlops/contracts/drift_reference.h"
#include "mlops/contracts/infer.h"
#include "mlops/contracts/streaming_contract.h"
#include "mlops/io/csv/batches.h"
#include "mlops/io/file.h"
#include "mlops/io/table_file.h"
#include "mlops/io/typed_read.h"

namespace mlops {

namespace {

bool is_json_path(const std::string& path) {
  return path.size() >= 5 && path.compare(path.size() - 5, 5, ".json") == 0;
}

/// The report of a contract whose checks fold over batches, read from a plain CSV or TSV file
/// batch by batch (memory: one window, whatever the file size); nullopt for other files and
/// contracts, which are checked on the whole table.
std::optional<ContractReport> check_in_batches(const Contract& contract, const std::string& path,
                                               size_t window_bytes) {
  if (!checks_per_batch(contract) || path_exists(schema_sidecar_path(path))) return std::nullopt;
  std::optional<ReadOptions> options = csv_read_options(path, TypedReadSpec{});
  if (!options) return std::nullopt;
  std::optional<StreamingContract> streamed;
  auto start = [&] { streamed.emplace("validate"); };
  start();
  // Like read_data_file, records of the wrong shape are skipped.
  read_csv_batches(
      *options, [&](const ReadOptions& o) { return CsvReader(path, o, window_bytes); },
      [&](Table& batch, std::vector<BadRecord>&, const CsvReader&) {
        streamed->add(contract, batch);
      },
      [&](const CsvReader::InferenceMismatch&) { start(); });
  return streamed->report(contract.name);
}

}  // namespace

Table read_data_file(const std::string& path) {
  if (path_exists(schema_sidecar_path(path))) return read_table(path);
  return read_with_schema(path, TypedReadSpec{}).table;
}

std::vector<ContractReport> validate_files(const std::string& contract_path,
                                           const std::vector<std::string>& files,
                                           size_t window_bytes) {
  const Contract contract = load_contract_file(contract_path);
  CheckOptions options;
  std::optional<DriftReference> reference;
  if (contract.drift && !contract.drift->reference.empty()) {
    const std::string& path = contract.drift->reference;
    // A profile JSON from `mlops contract profile`, else a data file to profile now. (A JSON
    // data file is told apart by its content: profiles carry "format": "mlops.profile/1".)
    if (is_json_path(path) && read_file(path).find("\"mlops.profile/1\"") != std::string::npos) {
      reference = load_drift_reference(path);
    } else {
      reference = drift_reference_of_table(read_data_file(path));
    }
    options.reference = &*reference;
  }
  std::vector<ContractReport> reports;
  for (const auto& file : files) {
    std::optional<ContractReport> streamed = check_in_batches(contract, file, window_bytes);
    ContractReport report =
        streamed ? std::move(*streamed)
                 : check_contract(contract, read_data_file(file), "validate", options);
    report.contract = contract_path;
    report.stage = file;
    reports.push_back(std::move(report));
  }
  return reports;
}

std::string summarize(const std::vector<ContractReport>& reports) {
  std::string out;
  for (const auto& report : reports) {
    const size_t failed = report.failed_count(Severity::kError);
    const size_t warned = report.failed_count(Severity::kWarn);
    out += fmt::format("{}: {} ({} rows, {} checks, {} failed, {} warnings", report.stage,
                       report.passed() ? "ok" : "FAILED", report.rows, report.checks.size(), failed,
                       warned);
    if (!report.quarantined_rows.empty()) {
      out += fmt::format(", {} rows quarantined", report.quarantined_rows.size());
    }
    out += ")\n";
    for (const auto& check : report.checks) {
      if (!check.passed) out += "  " + describe_failure(report, check) + "\n";
    }
  }
  return out;
}

std::string infer_contract_for_file(const std::string& path, size_t max_categories) {
  return infer_contract_yaml(read_data_file(path), {path, max_categories});
}

std::string profile_file(const std::string& path) {
  return drift_reference_of_table(read_data_file(path)).to_json().dump() + "\n";
}

}  // namespace mlops

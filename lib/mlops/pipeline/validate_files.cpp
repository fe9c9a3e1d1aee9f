#include "mlops/pipeline/validate_files.h"

#include <fmt/format.h>

#include "mlops/ingest/file_source.h"
#include "mlops/io/file.h"
#include "mlops/io/table_file.h"

namespace mlops {

std::vector<ContractReport> validate_files(const std::string& contract_path,
                                           const std::vector<std::string>& files) {
  const Contract contract = load_contract_file(contract_path);
  std::vector<ContractReport> reports;
  for (const auto& file : files) {
    Table table;
    if (path_exists(schema_sidecar_path(file))) {
      table = read_table(file);
    } else {
      IngestSpec spec;
      spec.source.path = file;
      table = read_with_schema(file, spec).table;
    }
    ContractReport report = check_contract(contract, table, "validate");
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
    out += fmt::format("{}: {} ({} rows, {} checks, {} failed, {} warnings)\n", report.stage,
                       report.passed() ? "ok" : "FAILED", report.rows, report.checks.size(), failed,
                       warned);
    for (const auto& check : report.checks) {
      if (!check.passed) out += "  " + describe_failure(report, check) + "\n";
    }
  }
  return out;
}

}  // namespace mlops

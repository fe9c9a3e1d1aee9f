#include "mlops/contracts/check.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include "mlops/contracts/check_context.h"
#include "mlops/core/error.h"
#include "mlops/core/log.h"

namespace mlops {

namespace {

std::string_view severity_name(Severity severity) {
  return severity == Severity::kError ? "error" : "warn";
}

/// The drift section's checks, with the reference from the options or from `drift.reference`.
void run_drift(contracts_detail::CheckContext& context) {
  const DriftRule& rule = *context.contract.drift;
  if (context.options.reference) {
    contracts_detail::check_drift(context, rule, *context.options.reference);
    return;
  }
  if (rule.reference.empty()) {
    CheckResult result =
        contracts_detail::make_check("drift", "", rule.severity, "a reference profile");
    result.observed = "none: set drift.reference (a profile from `mlops contract profile`)";
    result.passed = false;
    context.report.checks.push_back(std::move(result));
    return;
  }
  const DriftReference reference = load_drift_reference(rule.reference);
  contracts_detail::check_drift(context, rule, reference);
}

}  // namespace

bool ContractReport::passed() const {
  return failed_count(Severity::kError) == 0;
}

size_t ContractReport::failed_count(Severity severity) const {
  size_t count = 0;
  for (const auto& check : checks) count += !check.passed && check.severity == severity;
  return count;
}

nlohmann::json ContractReport::to_json() const {
  nlohmann::json checks_json = nlohmann::json::array();
  for (const auto& check : checks) {
    nlohmann::json entry{{"check", check.check},
                         {"column", check.column},
                         {"passed", check.passed},
                         {"severity", severity_name(check.severity)},
                         {"expected", check.expected},
                         {"observed", check.observed},
                         {"example_rows", check.example_rows},
                         {"example_values", check.example_values}};
    if (check.failing_rows) entry["failing_rows"] = check.failing_rows;
    if (check.quarantined) entry["quarantined"] = check.quarantined;
    checks_json.push_back(std::move(entry));
  }
  nlohmann::json out{{"stage", stage},
                     {"contract", contract},
                     {"rows", rows},
                     {"passed", passed()},
                     {"checks", checks_json}};
  if (!quarantined_rows.empty()) out["quarantined_rows"] = quarantined_rows.size();
  return out;
}

ContractReport check_contract(const Contract& contract, const Table& table,
                              const std::string& stage, const CheckOptions& options) {
  ContractReport report;
  report.stage = stage;
  report.contract = contract.name;
  report.rows = table.num_rows();
  contracts_detail::CheckContext context{contract, table, options, report};
  contracts_detail::check_table_shape(context);
  contracts_detail::check_columns(context);
  contracts_detail::check_table_rows(context);
  if (contract.drift && options.drift) run_drift(context);
  // The first failure of each quarantined row is its reason.
  std::stable_sort(context.quarantined.begin(), context.quarantined.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  for (auto& [row, reason] : context.quarantined) {
    if (!report.quarantined_rows.empty() && report.quarantined_rows.back() == row) continue;
    report.quarantined_rows.push_back(row);
    report.quarantine_reasons.push_back(std::move(reason));
  }
  return report;
}

std::string describe_failure(const ContractReport& report, const CheckResult& check) {
  std::string text = fmt::format("stage {}: check {}", report.stage, check.check);
  if (!check.column.empty()) text += fmt::format(" on column '{}'", check.column);
  text += fmt::format(" failed: expected {}, observed {}", check.expected, check.observed);
  if (!check.example_rows.empty()) {
    text += fmt::format(" (rows {}: {})", fmt::join(check.example_rows, ", "),
                        fmt::join(check.example_values, ", "));
  }
  return text;
}

void enforce(const std::vector<ContractReport>& reports) {
  std::string errors;
  std::vector<std::string> violated;
  for (const auto& report : reports) {
    bool report_failed = false;
    for (const auto& check : report.checks) {
      if (check.passed) continue;
      if (check.severity == Severity::kWarn) {
        log_warn(describe_failure(report, check), {{"contract", report.contract}});
      } else {
        errors += "\n" + describe_failure(report, check);
        report_failed = true;
      }
    }
    if (report_failed) violated.push_back("'" + report.contract + "'");
  }
  if (!errors.empty()) {
    throw ContractError("contract {} violated:{}", fmt::join(violated, ", "), errors);
  }
}

Table without_rows(const Table& table, const std::vector<size_t>& rows) {
  std::vector<size_t> kept;
  kept.reserve(table.num_rows() - std::min(rows.size(), table.num_rows()));
  size_t next = 0;
  for (size_t row = 0; row < table.num_rows(); ++row) {
    if (next < rows.size() && rows[next] == row) {
      ++next;
      continue;
    }
    kept.push_back(row);
  }
  return table.take(kept);
}

}  // namespace mlops

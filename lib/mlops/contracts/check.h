#pragma once
// Running a contract over a table: one CheckResult per check, with the observed value and up
// to five example failing rows, so a violation can be acted on without opening the data.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "mlops/contracts/contract.h"
#include "mlops/contracts/drift_reference.h"

namespace mlops {

/// The outcome of one check.
struct CheckResult {
  std::string check;   // row_count, required_column, dtype, not_null, ... (docs/contracts.md)
  std::string column;  // empty for table-level checks
  bool passed = true;
  Severity severity = Severity::kError;
  std::string expected;                     // "int64", ">= 2000", "[MALE, FEMALE]"
  std::string observed;                     // "string", "min 172", "3 values outside"
  std::vector<size_t> example_rows;         // 0-based data rows
  std::vector<std::string> example_values;  // their offending values
  size_t failing_rows = 0;                  // row-level checks: rows that fail
  size_t quarantined = 0;                   // of those, rows set aside by `policy: quarantine`
};

/// Every check of one contract on one table.
/// A built-in check computed by a stage itself (not from a contract file): its identity,
/// outcome and what was seen.
inline CheckResult stage_check(std::string check, std::string column, bool passed,
                               std::string expected, std::string observed) {
  CheckResult result;
  result.check = std::move(check);
  result.column = std::move(column);
  result.passed = passed;
  result.expected = std::move(expected);
  result.observed = std::move(observed);
  return result;
}

struct ContractReport {
  std::string stage;
  std::string contract;  // contract name
  size_t rows = 0;
  std::vector<CheckResult> checks;
  /// With `policy: quarantine`: every row a row-level check failed, ascending, and the first
  /// failure of each as text ("check max on column 'x': 9000 (expected <= 7000)").
  std::vector<size_t> quarantined_rows;
  std::vector<std::string> quarantine_reasons;

  /// No failed check of severity error.
  bool passed() const;
  size_t failed_count(Severity severity) const;
  nlohmann::json to_json() const;
};

/// What a check needs from outside the table.
struct CheckOptions {
  int64_t now_micros = 0;                     // the freshness clock; 0 = now
  const DriftReference* reference = nullptr;  // drift reference; nullptr = load `drift.reference`
  bool drift = true;                          // false: leave the drift section to another caller
};

/// Runs every check of the contract. Throws ConfigError for an expression whose operand types
/// do not fit the table, IoError / DataError for an unreadable drift reference.
ContractReport check_contract(const Contract& contract, const Table& table,
                              const std::string& stage, const CheckOptions& options = {});
/// One line per failed check: "stage ingest: check min on column 'x' failed: expected >= 0,
/// observed min -3 (rows 4, 17: -3, -1)".
std::string describe_failure(const ContractReport& report, const CheckResult& check);
/// Throws ContractError listing every failed error-severity check of every report; logs
/// warn-severity failures. Does nothing when all checks pass.
void enforce(const std::vector<ContractReport>& reports);
/// The table without the given rows (ascending), for quarantine.
Table without_rows(const Table& table, const std::vector<size_t>& rows);

}  // namespace mlops

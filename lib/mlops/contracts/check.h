#pragma once
// Running a contract over a table: one CheckResult per check, with the observed value and up
// to five example failing rows, so a violation can be acted on without opening the data.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "mlops/contracts/contract.h"

namespace mlops {

struct CheckResult {
  std::string check;   // row_count, required_column, dtype, not_null, max_null_fraction,
                       // min, max, allowed_values, or a built-in stage check's name
  std::string column;  // empty for table-level checks
  bool passed = true;
  Severity severity = Severity::kError;
  std::string expected;                     // "int64", ">= 2000", "[MALE, FEMALE]"
  std::string observed;                     // "string", "min 172", "3 values outside"
  std::vector<size_t> example_rows;         // 0-based data rows
  std::vector<std::string> example_values;  // their offending values
};

struct ContractReport {
  std::string stage;
  std::string contract;  // contract name
  size_t rows = 0;
  std::vector<CheckResult> checks;

  /// No failed check of severity error.
  bool passed() const;
  size_t failed_count(Severity severity) const;
  nlohmann::json to_json() const;
};

/// Runs every check of the contract.
ContractReport check_contract(const Contract& contract, const Table& table,
                              const std::string& stage);
/// One line per failed check: "stage ingest: check min on column 'x' failed: expected >= 0,
/// observed min -3 (rows 4, 17: -3, -1)".
std::string describe_failure(const ContractReport& report, const CheckResult& check);
/// Throws ContractError listing every failed error-severity check of every report; logs
/// warn-severity failures. Does nothing when all checks pass.
void enforce(const std::vector<ContractReport>& reports);

}  // namespace mlops

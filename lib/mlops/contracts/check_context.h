#pragma once
// What the checks of one contract run share: internal to lib/mlops/contracts.

#include <fmt/format.h>

#include "mlops/contracts/check.h"

namespace mlops::contracts_detail {

/// Example rows kept per failed check.
inline constexpr size_t kMaxExamples = 5;

/// The contract, table and report of one check_contract() call.
struct CheckContext {
  const Contract& contract;
  const Table& table;
  const CheckOptions& options;
  ContractReport& report;
  /// Under `policy: quarantine`: (row, reason) of every failing row of row-level checks.
  std::vector<std::pair<size_t, std::string>> quarantined = {};
  bool quarantine() const { return contract.policy == RowPolicy::kQuarantine; }
};

/// A check result with its identity set and nothing observed yet.
inline CheckResult make_check(std::string check, std::string column, Severity severity,
                              std::string expected) {
  CheckResult result;
  result.check = std::move(check);
  result.column = std::move(column);
  result.severity = severity;
  result.expected = std::move(expected);
  return result;
}

/// Runs a row-level check: `fails(row)` says whether a row violates it and `show(row)` gives
/// the offending value. Keeps five examples and the count; under quarantine, every failing row
/// is set aside and the check passes. `observed` is "<count> <observed_what>". `none_fail`:
/// the caller has already shown cheaply that no row fails, and the rows are not visited.
template <typename Fails, typename Show>
void row_check(CheckContext& context, CheckResult result, const std::string& observed_what,
               Fails fails, Show show, bool none_fail = false) {
  const size_t rows = none_fail ? 0 : context.table.num_rows();
  size_t count = 0;
  for (size_t row = 0; row < rows; ++row) {
    if (!fails(row)) continue;
    if (count < kMaxExamples) {
      result.example_rows.push_back(row);
      result.example_values.push_back(show(row));
    }
    if (context.quarantine()) {
      context.quarantined.emplace_back(
          row, fmt::format("check {}{}: {} (expected {})", result.check,
                           result.column.empty() ? "" : " on column '" + result.column + "'",
                           show(row), result.expected));
    }
    ++count;
  }
  result.failing_rows = count;
  result.observed = fmt::format("{} {}", count, observed_what);
  result.passed = count == 0;
  if (count && context.quarantine()) {
    result.quarantined = count;
    result.passed = true;
    result.observed += fmt::format(", {} rows quarantined", count);
  }
  context.report.checks.push_back(std::move(result));
}

/// Rows (at most kMaxExamples, 0-based) of a column that is not numeric whose non-null value is
/// not a number, e.g. the one "abc" that made a measurement column read as text.
std::vector<size_t> non_number_rows(const Column& column);
/// True when the contract declares `column` with a numeric dtype (int64 or float64).
bool declared_numeric(const Contract& contract, const std::string& column);

/// Checks of each declared column (dtype, nulls, ranges, values, pattern, unique, lengths,
/// mean / std bounds).
void check_columns(CheckContext& context);
/// Table-level checks before the column checks: row count, shape, required / forbidden columns.
void check_table_shape(CheckContext& context);
/// Table-level checks after them: column order, primary key, freshness, expressions.
void check_table_rows(CheckContext& context);
/// Drift of each column against the reference profile (contracts/drift.cpp).
void check_drift(CheckContext& context, const DriftRule& rule, const DriftReference& reference);

}  // namespace mlops::contracts_detail

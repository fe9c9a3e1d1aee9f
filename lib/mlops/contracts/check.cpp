#include "mlops/contracts/check.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cmath>

#include "mlops/core/error.h"
#include "mlops/core/log.h"
#include "mlops/core/value_format.h"

namespace mlops {

namespace {

constexpr size_t kMaxExamples = 5;

/// Collects the rows for which `fails(row)` holds, keeping the first few as examples.
template <typename Fails>
size_t collect_failures(const Column& column, CheckResult& result, Fails fails) {
  size_t count = 0;
  for (size_t row = 0; row < column.size(); ++row) {
    if (!fails(row)) continue;
    if (count < kMaxExamples) {
      result.example_rows.push_back(row);
      result.example_values.push_back(column.is_null(row) ? "null" : column.format_value(row));
    }
    ++count;
  }
  result.passed = count == 0;
  return count;
}

void check_column(const ColumnRule& rule, const Column& column, std::vector<CheckResult>& out) {
  auto make = [&](std::string check, std::string expected) {
    CheckResult result;
    result.check = std::move(check);
    result.column = rule.column;
    result.severity = rule.severity;
    result.expected = std::move(expected);
    return result;
  };
  if (rule.dtype) {
    CheckResult result = make("dtype", std::string(dtype_name(*rule.dtype)));
    result.observed = std::string(dtype_name(column.type()));
    // An int64 column satisfies float64: integers are valid floats.
    result.passed = column.type() == *rule.dtype ||
                    (*rule.dtype == DType::kFloat64 && column.type() == DType::kInt64);
    out.push_back(std::move(result));
  }
  if (rule.nullable && !*rule.nullable) {
    CheckResult result = make("not_null", "no nulls");
    size_t nulls =
        collect_failures(column, result, [&](size_t row) { return column.is_null(row); });
    result.observed = fmt::format("{} nulls", nulls);
    out.push_back(std::move(result));
  }
  if (rule.max_null_fraction) {
    CheckResult result = make("max_null_fraction", fmt::format("<= {}", *rule.max_null_fraction));
    double fraction = column.size() ? static_cast<double>(column.null_count()) / column.size() : 0;
    result.observed = fmt::format("{:.4f}", fraction);
    result.passed = fraction <= *rule.max_null_fraction;
    out.push_back(std::move(result));
  }
  if ((rule.min || rule.max) && !column.is_numeric()) {
    CheckResult result = make(rule.min ? "min" : "max", "a numeric column");
    result.observed = std::string(dtype_name(column.type()));
    result.passed = false;
    out.push_back(std::move(result));
  } else {
    if (rule.min) {
      CheckResult result = make("min", fmt::format(">= {}", format_double(*rule.min)));
      size_t below = collect_failures(column, result, [&](size_t row) {
        return !column.is_null(row) && column.numeric_at(row) < *rule.min;
      });
      result.observed = fmt::format("{} values below", below);
      out.push_back(std::move(result));
    }
    if (rule.max) {
      CheckResult result = make("max", fmt::format("<= {}", format_double(*rule.max)));
      size_t above = collect_failures(column, result, [&](size_t row) {
        return !column.is_null(row) && column.numeric_at(row) > *rule.max;
      });
      result.observed = fmt::format("{} values above", above);
      out.push_back(std::move(result));
    }
  }
  if (!rule.values.empty()) {
    CheckResult result = make("allowed_values", fmt::format("[{}]", fmt::join(rule.values, ", ")));
    size_t outside = collect_failures(column, result, [&](size_t row) {
      if (column.is_null(row)) return false;
      std::string value = column.format_value(row);
      for (const auto& allowed : rule.values) {
        if (allowed == value) return false;
      }
      return true;
    });
    result.observed = fmt::format("{} values outside", outside);
    out.push_back(std::move(result));
  }
}

std::string_view severity_name(Severity severity) {
  return severity == Severity::kError ? "error" : "warn";
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
    checks_json.push_back({{"check", check.check},
                           {"column", check.column},
                           {"passed", check.passed},
                           {"severity", severity_name(check.severity)},
                           {"expected", check.expected},
                           {"observed", check.observed},
                           {"example_rows", check.example_rows},
                           {"example_values", check.example_values}});
  }
  return {{"stage", stage},
          {"contract", contract},
          {"rows", rows},
          {"passed", passed()},
          {"checks", checks_json}};
}

ContractReport check_contract(const Contract& contract, const Table& table,
                              const std::string& stage) {
  ContractReport report;
  report.stage = stage;
  report.contract = contract.name;
  report.rows = table.num_rows();
  if (contract.min_rows || contract.max_rows) {
    CheckResult result;
    result.check = "row_count";
    result.severity = contract.rows_severity;
    result.expected = contract.min_rows && contract.max_rows
                          ? fmt::format("{}..{}", *contract.min_rows, *contract.max_rows)
                      : contract.min_rows ? fmt::format(">= {}", *contract.min_rows)
                                          : fmt::format("<= {}", *contract.max_rows);
    result.observed = std::to_string(table.num_rows());
    result.passed = (!contract.min_rows || table.num_rows() >= *contract.min_rows) &&
                    (!contract.max_rows || table.num_rows() <= *contract.max_rows);
    report.checks.push_back(std::move(result));
  }
  for (const auto& rule : contract.columns) {
    const Column* column = table.find(rule.column);
    CheckResult required;
    required.check = "required_column";
    required.column = rule.column;
    required.severity = rule.severity;
    required.expected = "present";
    required.observed = column ? "present" : "missing";
    required.passed = column != nullptr;
    report.checks.push_back(std::move(required));
    if (column) check_column(rule, *column, report.checks);
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

}  // namespace mlops

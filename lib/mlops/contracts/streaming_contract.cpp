#include "mlops/contracts/streaming_contract.h"

#include <fmt/format.h>

#include <charconv>

namespace mlops {

namespace {

/// "3 values above" -> {3, " values above"}; nullopt when the text does not start with a count.
std::optional<std::pair<size_t, std::string>> leading_count(const std::string& text) {
  size_t value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr == text.data() ||
      (ptr != text.data() + text.size() && *ptr != ' ')) {
    return std::nullopt;
  }
  return std::make_pair(value, std::string(ptr, text.data() + text.size()));
}

constexpr size_t kMaxExamples = 5;

}  // namespace

bool checks_per_batch(const Contract& contract) {
  for (const ColumnRule& rule : contract.columns) {
    if (rule.unique || rule.max_null_fraction || rule.mean.min || rule.mean.max ||
        rule.stddev.min || rule.stddev.max) {
      return false;
    }
  }
  return contract.primary_key.empty() && contract.expressions.empty() && !contract.freshness &&
         !contract.drift && !contract.shape_rows && !contract.shape_columns &&
         contract.policy == RowPolicy::kFail;
}

void StreamingContract::add(const Contract& contract, const Table& batch) {
  // Row bounds hold for the whole stream, not per batch: checked in report().
  min_rows_ = contract.min_rows;
  max_rows_ = contract.max_rows;
  rows_severity_ = contract.rows_severity;
  Contract per_batch = contract;
  per_batch.min_rows.reset();
  per_batch.max_rows.reset();
  ContractReport report = check_contract(per_batch, batch, stage_);
  if (!started_) {
    folded_ = report;
    for (auto& check : folded_.checks) {
      for (auto& row : check.example_rows) row += rows_;
    }
    started_ = true;
  } else {
    for (size_t i = 0; i < folded_.checks.size() && i < report.checks.size(); ++i) {
      CheckResult& into = folded_.checks[i];
      const CheckResult& from = report.checks[i];
      into.passed = into.passed && from.passed;
      into.failing_rows += from.failing_rows;
      into.quarantined += from.quarantined;
      auto a = leading_count(into.observed), b = leading_count(from.observed);
      if (a && b && a->second == b->second) {
        into.observed = fmt::format("{}{}", a->first + b->first, a->second);
      } else if (!from.passed && into.observed != from.observed) {
        into.observed = from.observed;  // e.g. a dtype: the failing batch says what it saw
      }
      for (size_t k = 0; k < from.example_rows.size() && into.example_rows.size() < kMaxExamples;
           ++k) {
        into.example_rows.push_back(from.example_rows[k] + rows_);
        if (k < from.example_values.size()) into.example_values.push_back(from.example_values[k]);
      }
    }
  }
  rows_ += batch.num_rows();
  folded_.rows = rows_;
}

ContractReport StreamingContract::report(const std::string& contract_name) const {
  ContractReport report = folded_;
  if (min_rows_ || max_rows_) {
    Contract bounds{.name = contract_name, .min_rows = min_rows_, .max_rows = max_rows_};
    bounds.rows_severity = rows_severity_;
    ContractReport counted = check_contract(bounds, Table(), stage_);
    counted.checks.front().observed = std::to_string(rows_);
    counted.checks.front().passed =
        (!min_rows_ || rows_ >= *min_rows_) && (!max_rows_ || rows_ <= *max_rows_);
    report.checks.insert(report.checks.begin(), counted.checks.front());
  }
  report.stage = stage_;
  report.contract = contract_name;
  report.rows = rows_;
  return report;
}

}  // namespace mlops

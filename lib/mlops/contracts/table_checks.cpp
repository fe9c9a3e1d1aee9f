// Checks of the table as a whole: row count, required / forbidden columns, column order,
// shape, primary key, freshness and row expressions (the last two are row-level).

#include <fmt/ranges.h>

#include <algorithm>
#include <unordered_set>

#include "mlops/contracts/check_context.h"
#include "mlops/core/error.h"
#include "mlops/core/time.h"

namespace mlops::contracts_detail {

namespace {

void row_count(CheckContext& context) {
  const Contract& contract = context.contract;
  const size_t rows = context.table.num_rows();
  if (contract.min_rows || contract.max_rows) {
    CheckResult result =
        make_check("row_count", "", contract.rows_severity,
                   contract.min_rows && contract.max_rows
                       ? fmt::format("{}..{}", *contract.min_rows, *contract.max_rows)
                   : contract.min_rows ? fmt::format(">= {}", *contract.min_rows)
                                       : fmt::format("<= {}", *contract.max_rows));
    result.observed = std::to_string(rows);
    result.passed = (!contract.min_rows || rows >= *contract.min_rows) &&
                    (!contract.max_rows || rows <= *contract.max_rows);
    context.report.checks.push_back(std::move(result));
  }
  if (contract.shape_rows) {
    CheckResult result =
        make_check("row_count", "", contract.severity, fmt::format("== {}", *contract.shape_rows));
    result.observed = std::to_string(rows);
    result.passed = rows == *contract.shape_rows;
    context.report.checks.push_back(std::move(result));
  }
  if (contract.shape_columns) {
    CheckResult result = make_check("column_count", "", contract.severity,
                                    fmt::format("== {}", *contract.shape_columns));
    result.observed = std::to_string(context.table.num_columns());
    result.passed = context.table.num_columns() == *contract.shape_columns;
    context.report.checks.push_back(std::move(result));
  }
}

void presence(CheckContext& context) {
  for (const auto& name : context.contract.required) {
    CheckResult result = make_check("required_column", name, context.contract.severity, "present");
    result.passed = context.table.find(name) != nullptr;
    result.observed = result.passed ? "present" : "missing";
    context.report.checks.push_back(std::move(result));
  }
  for (const auto& name : context.contract.forbidden) {
    CheckResult result = make_check("forbidden_column", name, context.contract.severity, "absent");
    result.passed = context.table.find(name) == nullptr;
    result.observed = result.passed ? "absent" : "present";
    context.report.checks.push_back(std::move(result));
  }
}

void order(CheckContext& context) {
  if (!context.contract.ordered) return;
  std::vector<std::string> listed, found;
  for (const auto& rule : context.contract.columns) listed.push_back(rule.column);
  for (const auto& name : context.table.column_names()) {
    if (std::find(listed.begin(), listed.end(), name) != listed.end()) found.push_back(name);
  }
  // Missing columns are reported by required_column; compare the order of those present.
  std::vector<std::string> expected;
  for (const auto& name : listed) {
    if (std::find(found.begin(), found.end(), name) != found.end()) expected.push_back(name);
  }
  CheckResult result = make_check("column_order", "", context.contract.severity,
                                  fmt::format("[{}]", fmt::join(listed, ", ")));
  result.observed = fmt::format("[{}]", fmt::join(found, ", "));
  result.passed = found == expected;
  context.report.checks.push_back(std::move(result));
}

void primary_key(CheckContext& context) {
  const std::vector<std::string>& key = context.contract.primary_key;
  if (key.empty()) return;
  const std::string column_text = fmt::format("{}", fmt::join(key, ", "));
  std::vector<const Column*> columns;
  std::vector<std::string> missing;
  for (const auto& name : key) {
    const Column* column = context.table.find(name);
    if (!column) missing.push_back(name);
    columns.push_back(column);
  }
  if (!missing.empty()) {
    CheckResult result = make_check("primary_key", column_text,
                                    context.contract.primary_key_severity, "unique combination");
    result.observed = fmt::format("missing column {}", fmt::join(missing, ", "));
    result.passed = false;
    context.report.checks.push_back(std::move(result));
    return;
  }
  auto key_of = [&](size_t row) {
    std::string text;
    for (size_t i = 0; i < columns.size(); ++i) {
      if (i) text += '\x1f';
      text += columns[i]->is_null(row) ? std::string("\x1enull") : columns[i]->format_value(row);
    }
    return text;
  };
  auto show = [&](size_t row) {
    std::string text;
    for (size_t i = 0; i < columns.size(); ++i) {
      if (i) text += ", ";
      text += columns[i]->is_null(row) ? "null" : columns[i]->format_value(row);
    }
    return columns.size() == 1 ? text : "(" + text + ")";
  };
  std::unordered_set<std::string> seen;
  row_check(
      context,
      make_check("primary_key", column_text, context.contract.primary_key_severity,
                 "unique combination"),
      "duplicate rows", [&](size_t row) { return !seen.insert(key_of(row)).second; }, show);
}

void freshness(CheckContext& context) {
  if (!context.contract.freshness) return;
  const FreshnessRule& rule = *context.contract.freshness;
  CheckResult result = make_check("freshness", rule.column, rule.severity,
                                  fmt::format("newest within {}", rule.max_age));
  const Column* column = context.table.find(rule.column);
  if (!column || column->type() != DType::kTimestamp) {
    result.observed =
        column ? fmt::format("{}, not a timestamp", dtype_name(column->type())) : "missing";
    result.passed = false;
    context.report.checks.push_back(std::move(result));
    return;
  }
  std::optional<int64_t> newest;
  for (size_t row = 0; row < column->size(); ++row) {
    if (!column->is_null(row) && (!newest || column->int_at(row) > *newest)) {
      newest = column->int_at(row);
    }
  }
  const int64_t now = context.options.now_micros ? context.options.now_micros : now_micros();
  if (!newest) {
    result.observed = "no timestamps";
    result.passed = false;
  } else {
    const double hours = static_cast<double>(now - *newest) / 3.6e9;
    result.observed = fmt::format("newest {} ({:.1f} hours old)", format_timestamp(*newest), hours);
    result.passed = now - *newest <= rule.max_age_micros;
  }
  context.report.checks.push_back(std::move(result));
}

void expressions(CheckContext& context) {
  for (const auto& rule : context.contract.expressions) {
    CheckResult result = make_check("expression", "", rule.severity, rule.name);
    // A column the contract declares numeric that holds text (one "abc" is enough) is a data
    // failure of this check, not a mistake in the expression.
    std::string not_numeric;
    for (const auto& name : rule.expression.columns()) {
      const Column* column = context.table.find(name);
      if (!column || column->is_numeric() || !declared_numeric(context.contract, name)) continue;
      not_numeric = fmt::format("column '{}' is {}, not numeric", name, dtype_name(column->type()));
      for (size_t row : non_number_rows(*column)) {
        result.example_rows.push_back(row);
        result.example_values.push_back(name + "=" + column->format_value(row));
      }
      break;
    }
    if (!not_numeric.empty()) {
      result.observed = not_numeric;
      result.passed = false;
      context.report.checks.push_back(std::move(result));
      continue;
    }
    ExprValues values;
    try {
      values = rule.expression.evaluate(context.table);
    } catch (const DataError& e) {  // a missing column: this check fails, others still run
      result.observed = e.what();
      result.passed = false;
      context.report.checks.push_back(std::move(result));
      continue;
    }
    if (values.type != ExprType::kBool && values.type != ExprType::kNull) {
      throw ConfigError("contract '{}': expression '{}' gives a {}, expected a condition",
                        context.contract.name, rule.expression.text(), expr_type_name(values.type));
    }
    // The row's values of the columns the expression reads, e.g. "temp_min=5, temp_max=3".
    std::vector<const Column*> inputs;
    for (const auto& name : rule.expression.columns()) inputs.push_back(context.table.find(name));
    auto show = [&](size_t row) {
      std::string text;
      for (const Column* column : inputs) {
        if (!text.empty()) text += " ";
        text += column->name() + "=" + (column->is_null(row) ? "null" : column->format_value(row));
      }
      return text;
    };
    row_check(
        context, std::move(result), "rows fail",
        [&](size_t row) {
          return values.type == ExprType::kBool && values.bools[values.index(row)] == 0;
        },
        show);
  }
}

}  // namespace

void check_table_shape(CheckContext& context) {
  row_count(context);
  presence(context);
}

void check_table_rows(CheckContext& context) {
  order(context);
  primary_key(context);
  freshness(context);
  expressions(context);
}

}  // namespace mlops::contracts_detail

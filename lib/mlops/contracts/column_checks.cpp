// The checks of one declared column. Row-level ones (not_null, min, max, allowed_values,
// pattern, min_length, max_length, unique) name example rows and honour `policy: quarantine`.

#include <fmt/ranges.h>

#include <cmath>
#include <cstdlib>
#include <regex>
#include <type_traits>
#include <unordered_map>
#include <unordered_set>

#include "mlops/contracts/check_context.h"
#include "mlops/core/numeric_values.h"
#include "mlops/core/value_format.h"

namespace mlops::contracts_detail {

namespace {

/// Characters of UTF-8 text: bytes that do not continue a code point.
size_t utf8_length(std::string_view text) {
  size_t count = 0;
  for (unsigned char c : text) count += (c & 0xC0) != 0x80;
  return count;
}

std::string shown(const Column& column, size_t row) {
  return column.is_null(row) ? "null" : column.format_value(row);
}

/// Calls `visit` with a function from row to the numeric column's value as a double, read
/// through its typed buffer (numeric_at() chooses by type on every call). Nulls read as NaN
/// (float64) or 0.
template <typename Visit>
void with_numeric_values(const Column& column, Visit visit) {
  visit_numeric(column, [&](auto values) {
    visit([values](size_t row) { return static_cast<double>(values[row]); });
  });
}

std::string bounds_text(const Bounds& bounds) {
  if (bounds.min && bounds.max) {
    return fmt::format("{}..{}", format_double(*bounds.min), format_double(*bounds.max));
  }
  return bounds.min ? fmt::format(">= {}", format_double(*bounds.min))
                    : fmt::format("<= {}", format_double(*bounds.max));
}

bool within(const Bounds& bounds, double value) {
  return (!bounds.min || value >= *bounds.min) && (!bounds.max || value <= *bounds.max);
}

/// False only when no present value of a numeric column is below `bound` (`below`) or above
/// it: a pass over the raw values without a call per row, so a range check that passes (the
/// usual case) costs a few milliseconds per million rows. True means "maybe": the exact row
/// check decides (a null's slot may hold any value).
bool maybe_outside(const Column& column, double bound, bool below) {
  auto count = [below](auto values, auto limit) {
    size_t hits = 0;
    if (below) {
      for (auto value : values) hits += value < limit;
    } else {
      for (auto value : values) hits += value > limit;
    }
    return hits;
  };
  return visit_numeric(column, [&](auto values) {
    if constexpr (std::is_floating_point_v<typename decltype(values)::value_type>) {
      return count(values, bound) > 0;  // NaN: false
    } else {
      // Integers compare exactly with the bound rounded inwards while it is well inside the
      // range where int64 -> double is exact; beyond that, no shortcut.
      constexpr double kExact = 4503599627370496.0;  // 2^52
      if (!(std::fabs(bound) < kExact)) return true;
      const auto limit = static_cast<int64_t>(below ? std::ceil(bound) : std::floor(bound));
      return count(values, limit) > 0;
    }
  });
}

void moments(CheckContext& context, const ColumnRule& rule, const Column& column) {
  if (!rule.mean.min && !rule.mean.max && !rule.stddev.min && !rule.stddev.max) return;
  double sum = 0, squares = 0;
  size_t count = 0;
  for (size_t row = 0; row < column.size(); ++row) {
    if (column.is_null(row)) continue;
    sum += column.numeric_at(row);
    ++count;
  }
  const double mean = count ? sum / static_cast<double>(count) : NAN;
  for (size_t row = 0; row < column.size(); ++row) {
    if (!column.is_null(row)) squares += std::pow(column.numeric_at(row) - mean, 2);
  }
  const double stddev = count ? std::sqrt(squares / static_cast<double>(count)) : NAN;
  for (const auto& [name, bounds, value] :
       {std::tuple{"mean", rule.mean, mean}, std::tuple{"std", rule.stddev, stddev}}) {
    if (!bounds.min && !bounds.max) continue;
    CheckResult result = make_check(name, rule.column, rule.severity, bounds_text(bounds));
    result.observed = std::isnan(value) ? "no values" : fmt::format("{:.6g}", value);
    result.passed = !std::isnan(value) && within(bounds, value);
    context.report.checks.push_back(std::move(result));
  }
}

void check_column(CheckContext& context, const ColumnRule& rule, const Column& column) {
  auto make = [&](std::string check, std::string expected) {
    return make_check(std::move(check), rule.column, rule.severity, std::move(expected));
  };
  auto show = [&](size_t row) { return shown(column, row); };
  ContractReport& report = context.report;
  if (rule.dtype) {
    CheckResult result = make("dtype", std::string(dtype_name(*rule.dtype)));
    result.observed = std::string(dtype_name(column.type()));
    // An int64 column satisfies float64: integers are valid floats.
    result.passed = column.type() == *rule.dtype ||
                    (*rule.dtype == DType::kFloat64 && column.type() == DType::kInt64);
    if (!result.passed && declared_numeric(context.contract, rule.column)) {
      // Name the values that made the column text, so the user can find them.
      for (size_t row : non_number_rows(column)) {
        result.example_rows.push_back(row);
        result.example_values.push_back(shown(column, row));
      }
    }
    report.checks.push_back(std::move(result));
  }
  if (rule.nullable && !*rule.nullable) {
    // The column counts its nulls: without any, no row needs a look.
    row_check(
        context, make("not_null", "no nulls"), "nulls",
        [&](size_t row) { return column.is_null(row); }, show, column.null_count() == 0);
  }
  if (rule.max_null_fraction) {
    CheckResult result = make("max_null_fraction", fmt::format("<= {}", *rule.max_null_fraction));
    double fraction = column.size() ? static_cast<double>(column.null_count()) / column.size() : 0;
    result.observed = fmt::format("{:.4f}", fraction);
    result.passed = fraction <= *rule.max_null_fraction;
    report.checks.push_back(std::move(result));
  }
  const bool numeric_rules =
      rule.min || rule.max || rule.mean.min || rule.mean.max || rule.stddev.min || rule.stddev.max;
  if (numeric_rules && !column.is_numeric()) {
    CheckResult result = make(rule.min ? "min" : rule.max ? "max" : "mean", "a numeric column");
    result.observed = std::string(dtype_name(column.type()));
    result.passed = false;
    report.checks.push_back(std::move(result));
  } else {
    // The bound is compared first: most values are within it, and the null test follows only
    // for those that are not.
    if (rule.min) {
      with_numeric_values(column, [&](auto value) {
        const double min = *rule.min;
        row_check(
            context, make("min", fmt::format(">= {}", format_double(min))), "values below",
            [&](size_t row) { return value(row) < min && !column.is_null(row); }, show,
            !maybe_outside(column, min, true));
      });
    }
    if (rule.max) {
      with_numeric_values(column, [&](auto value) {
        const double max = *rule.max;
        row_check(
            context, make("max", fmt::format("<= {}", format_double(max))), "values above",
            [&](size_t row) { return value(row) > max && !column.is_null(row); }, show,
            !maybe_outside(column, max, false));
      });
    }
    if (column.is_numeric()) moments(context, rule, column);
  }
  if (!rule.values.empty()) {
    std::unordered_set<std::string> allowed(rule.values.begin(), rule.values.end());
    row_check(
        context, make("allowed_values", fmt::format("[{}]", fmt::join(rule.values, ", "))),
        "values outside",
        [&](size_t row) {
          return !column.is_null(row) && !allowed.count(column.format_value(row));
        },
        show);
  }
  if (rule.pattern) {
    const std::regex regex(*rule.pattern);
    std::unordered_map<std::string, bool> matches;  // values repeat: match each once
    row_check(
        context, make("pattern", fmt::format("matches {}", *rule.pattern)), "values not matching",
        [&](size_t row) {
          if (column.is_null(row)) return false;
          std::string value = column.format_value(row);
          auto it = matches.find(value);
          if (it == matches.end()) {
            it = matches.emplace(value, std::regex_match(value, regex)).first;
          }
          return !it->second;
        },
        show);
  }
  if (rule.min_length || rule.max_length) {
    auto length = [&](size_t row) {
      return column.type() == DType::kString ? utf8_length(column.string_at(row))
                                             : utf8_length(column.format_value(row));
    };
    if (rule.min_length) {
      row_check(
          context, make("min_length", fmt::format(">= {} characters", *rule.min_length)),
          "values shorter",
          [&](size_t row) { return !column.is_null(row) && length(row) < *rule.min_length; }, show);
    }
    if (rule.max_length) {
      row_check(
          context, make("max_length", fmt::format("<= {} characters", *rule.max_length)),
          "values longer",
          [&](size_t row) { return !column.is_null(row) && length(row) > *rule.max_length; }, show);
    }
  }
  if (rule.unique) {
    std::unordered_set<std::string> seen;
    row_check(
        context, make("unique", "no duplicate values"), "duplicates",
        [&](size_t row) {
          return !column.is_null(row) && !seen.insert(column.format_value(row)).second;
        },
        show);
  }
}

}  // namespace

std::vector<size_t> non_number_rows(const Column& column) {
  std::vector<size_t> rows;
  if (column.is_numeric()) return rows;
  for (size_t row = 0; row < column.size() && rows.size() < kMaxExamples; ++row) {
    if (column.is_null(row)) continue;
    const std::string text = column.format_value(row);
    char* end = nullptr;
    std::strtod(text.c_str(), &end);
    if (text.empty() || end != text.c_str() + text.size()) rows.push_back(row);
  }
  return rows;
}

bool declared_numeric(const Contract& contract, const std::string& column) {
  for (const auto& rule : contract.columns) {
    if (rule.column == column && rule.dtype &&
        (*rule.dtype == DType::kInt64 || *rule.dtype == DType::kFloat64)) {
      return true;
    }
  }
  return false;
}

void check_columns(CheckContext& context) {
  for (const auto& rule : context.contract.columns) {
    const Column* column = context.table.find(rule.column);
    CheckResult required = make_check("required_column", rule.column, rule.severity, "present");
    required.observed = column ? "present" : "missing";
    required.passed = column != nullptr;
    context.report.checks.push_back(std::move(required));
    if (column) check_column(context, rule, *column);
  }
}

}  // namespace mlops::contracts_detail

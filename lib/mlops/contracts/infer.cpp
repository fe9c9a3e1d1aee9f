#include "mlops/contracts/infer.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <set>
#include <unordered_set>

#include "mlops/core/value_format.h"

namespace mlops {

namespace {

/// The text as a YAML scalar usable inside flow collections: plain when safe, else quoted.
std::string yaml_scalar(std::string_view text) {
  static const std::set<std::string_view> kReserved = {
      "", "~", "null", "Null", "NULL", "true", "false", "True", "False", "yes", "no"};
  bool plain =
      !kReserved.count(text) && text.front() != ' ' && text.back() != ' ' && text.front() != '-';
  for (char c : text) {
    const bool safe = std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' ||
                      c == '-' || c == ' ' || c == '(' || c == ')' || c == '/' || c == '=';
    plain = plain && safe;
  }
  if (plain) return std::string(text);
  std::string quoted = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') {
      quoted += '\\';
      quoted += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      quoted += fmt::format("\\x{:02x}", static_cast<unsigned char>(c));
    } else {
      quoted += c;
    }
  }
  return quoted + "\"";
}

size_t utf8_length(std::string_view text) {
  size_t count = 0;
  for (unsigned char c : text) count += (c & 0xC0) != 0x80;
  return count;
}

std::string column_rules(const Column& column, const InferOptions& options) {
  std::vector<std::string> rules{fmt::format("dtype: {}", dtype_name(column.type()))};
  const size_t rows = column.size();
  if (column.null_count() == 0) {
    rules.push_back("nullable: false");
  } else {
    const double fraction = static_cast<double>(column.null_count()) / rows;
    rules.push_back(fmt::format("max_null_fraction: {}",
                                format_double(std::min(1.0, std::ceil(fraction * 100) / 100))));
  }
  const size_t values = rows - column.null_count();
  if (values == 0) return fmt::format("{{{}}}", fmt::join(rules, ", "));
  std::unordered_set<std::string> distinct;
  for (size_t row = 0; row < rows; ++row) {
    if (!column.is_null(row)) distinct.insert(column.format_value(row));
  }
  if (column.type() == DType::kInt64 || column.type() == DType::kFloat64) {
    double low = INFINITY, high = -INFINITY;
    for (size_t row = 0; row < rows; ++row) {
      if (column.is_null(row)) continue;
      low = std::min(low, column.numeric_at(row));
      high = std::max(high, column.numeric_at(row));
    }
    rules.push_back(fmt::format("min: {}", format_double(low)));
    rules.push_back(fmt::format("max: {}", format_double(high)));
  } else if (column.type() == DType::kString) {
    if (distinct.size() <= options.max_categories && distinct.size() < values) {
      std::vector<std::string> sorted(distinct.begin(), distinct.end());
      std::sort(sorted.begin(), sorted.end());
      for (auto& value : sorted) value = yaml_scalar(value);
      rules.push_back(fmt::format("values: [{}]", fmt::join(sorted, ", ")));
    } else {
      size_t shortest = SIZE_MAX, longest = 0;
      for (size_t row = 0; row < rows; ++row) {
        if (column.is_null(row)) continue;
        const size_t length = utf8_length(column.string_at(row));
        shortest = std::min(shortest, length);
        longest = std::max(longest, length);
      }
      rules.push_back(fmt::format("min_length: {}", shortest));
      rules.push_back(fmt::format("max_length: {}", longest));
    }
  }
  // Ids are whole numbers or text; equal floats and timestamps are usually a coincidence.
  const bool id_like = column.type() == DType::kInt64 || column.type() == DType::kString;
  if (id_like && distinct.size() == values && values >= 10) {
    rules.push_back("unique: true");
  }
  return fmt::format("{{{}}}", fmt::join(rules, ", "));
}

}  // namespace

std::string infer_contract_yaml(const Table& table, const InferOptions& options) {
  std::string out = fmt::format(
      "# Drafted by `mlops contract infer` from {} ({} rows, {} columns).\n"
      "# Review it: ranges and category sets are what this data held, not what is valid.\n",
      options.source.empty() ? "data" : options.source, table.num_rows(), table.num_columns());
  out += "rows: {min: 1}\ncolumns:\n";
  for (const auto& column : table.columns()) {
    out += fmt::format("  {}: {}\n", yaml_scalar(column.name()), column_rules(column, options));
  }
  return out;
}

}  // namespace mlops

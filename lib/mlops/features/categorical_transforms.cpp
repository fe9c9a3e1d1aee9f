#include "mlops/features/categorical_transforms.h"

#include <algorithm>
#include <unordered_map>

#include "mlops/core/error.h"
#include "mlops/features/transform_params.h"

namespace mlops {

std::string category_key(const Column& column, size_t row) {
  return column.format_value(row);
}

namespace {

/// Training values by descending frequency, ties broken by value: a stable order.
std::vector<std::string> values_by_frequency(const Column& column) {
  std::unordered_map<std::string, size_t> counts;
  for (size_t row = 0; row < column.size(); ++row) {
    if (!column.is_null(row)) ++counts[category_key(column, row)];
  }
  std::vector<std::pair<std::string, size_t>> sorted(counts.begin(), counts.end());
  std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  });
  std::vector<std::string> values;
  for (auto& entry : sorted) values.push_back(std::move(entry.first));
  return values;
}

}  // namespace

CategoryCodesTransform::CategoryCodesTransform(const ConfigNode& spec) {
  check_transform_keys(spec, {"columns", "column", "k"});
  columns_ = transform_columns(spec);
  if (const ConfigNode* k = spec.get("k")) {
    int64_t value = k->as_int("k");
    if (value < 1)
      throw ConfigError("{}: transform 'category_codes': k must be >= 1", k->origin().describe());
    k_ = static_cast<size_t>(value);
  }
}

void CategoryCodesTransform::fit(const Table& training) {
  for (const auto& name : columns_) {
    std::vector<std::string> values =
        values_by_frequency(input_column(training, name, "category_codes"));
    if (k_ && values.size() > k_) values.resize(k_);
    std::map<std::string, int64_t> codes;
    for (size_t i = 0; i < values.size(); ++i) codes[values[i]] = static_cast<int64_t>(i);
    codes_[name] = std::move(codes);
  }
}

void CategoryCodesTransform::apply(Table& table) const {
  for (const auto& name : columns_) {
    const Column& input = input_column(table, name, "category_codes");
    const auto& codes = codes_.at(name);
    const int64_t other = static_cast<int64_t>(codes.size());
    Column out(name, DType::kInt64);
    out.reserve(input.size());
    for (size_t row = 0; row < input.size(); ++row) {
      if (input.is_null(row)) {
        out.push_null();
        continue;
      }
      auto it = codes.find(category_key(input, row));
      out.push_int(it == codes.end() ? other : it->second);
    }
    table.set_column(std::move(out));
  }
}

nlohmann::json CategoryCodesTransform::state() const {
  return {{"codes", codes_}};
}
void CategoryCodesTransform::load_state(const nlohmann::json& state) {
  codes_ = state.at("codes").get<std::map<std::string, std::map<std::string, int64_t>>>();
}

OneHotTransform::OneHotTransform(const ConfigNode& spec) {
  check_transform_keys(spec, {"columns", "column"});
  columns_ = transform_columns(spec);
}

void OneHotTransform::fit(const Table& training) {
  for (const auto& name : columns_) {
    std::vector<std::string> values = values_by_frequency(input_column(training, name, "one_hot"));
    std::sort(values.begin(), values.end());
    categories_[name] = std::move(values);
  }
}

void OneHotTransform::apply(Table& table) const {
  for (const auto& name : columns_) {
    const Column input = input_column(table, name, "one_hot");  // copy: the table changes below
    table.remove_column(name);
    for (const auto& value : categories_.at(name)) {
      Column out(name + "=" + value, DType::kInt64);
      out.reserve(input.size());
      for (size_t row = 0; row < input.size(); ++row) {
        out.push_int(!input.is_null(row) && category_key(input, row) == value ? 1 : 0);
      }
      table.add_column(std::move(out));
    }
  }
}

nlohmann::json OneHotTransform::state() const {
  return {{"categories", categories_}};
}
void OneHotTransform::load_state(const nlohmann::json& state) {
  categories_ = state.at("categories").get<std::map<std::string, std::vector<std::string>>>();
}

}  // namespace mlops

#include "mlops/features/numeric_transforms.h"

#include <algorithm>
#include <cmath>

#include "mlops/core/error.h"
#include "mlops/features/transform_params.h"

namespace mlops {

namespace {

const Column& numeric_input(const Table& table, const std::string& name, const char* transform) {
  const Column& column = input_column(table, name, transform);
  if (!column.is_numeric()) {
    throw DataError("featurize: transform '{}': column '{}' is {}, expected a numeric column",
                    transform, name, dtype_name(column.type()));
  }
  return column;
}

/// Applies `fn` to every non-null value, producing a float64 column of the same name.
template <typename Fn>
Column map_to_float(const Column& input, Fn fn) {
  Column out(input.name(), DType::kFloat64);
  out.reserve(input.size());
  for (size_t row = 0; row < input.size(); ++row) {
    double value = input.numeric_at(row);
    double mapped = std::isnan(value) ? value : fn(value);
    if (std::isnan(mapped)) {
      out.push_null();
    } else {
      out.push_float(mapped);
    }
  }
  return out;
}

}  // namespace

Log1pTransform::Log1pTransform(const ConfigNode& spec) {
  check_transform_keys(spec, {"columns", "column"});
  columns_ = transform_columns(spec);
}

void Log1pTransform::apply(Table& table) const {
  for (const auto& name : columns_) {
    const Column& input = numeric_input(table, name, "log1p");
    table.set_column(map_to_float(input, [](double x) { return x > -1 ? std::log1p(x) : NAN; }));
  }
}

FillNullTransform::FillNullTransform(const ConfigNode& spec) {
  check_transform_keys(spec, {"columns", "column", "strategy", "value"});
  columns_ = transform_columns(spec);
  strategy_ = spec.get("strategy") ? spec.get("strategy")->as_string("strategy") : "mean";
  if (strategy_ != "mean" && strategy_ != "median" && strategy_ != "constant") {
    throw ConfigError(
        "{}: transform 'fill_null': strategy '{}' is not one of mean, median, constant",
        spec.get("strategy")->origin().describe(), strategy_);
  }
  if (strategy_ == "constant") {
    if (!spec.get("value")) {
      throw ConfigError("{}: transform 'fill_null' with strategy constant needs 'value'",
                        spec.origin().describe());
    }
    constant_ = spec.get("value")->as_double("value");
  }
}

void FillNullTransform::fit(const Table& training) {
  for (const auto& name : columns_) {
    const Column& column = numeric_input(training, name, "fill_null");
    std::vector<double> values;
    for (size_t row = 0; row < column.size(); ++row) {
      if (!column.is_null(row)) values.push_back(column.numeric_at(row));
    }
    double fill = constant_;
    if (strategy_ == "mean" && !values.empty()) {
      double sum = 0;
      for (double v : values) sum += v;
      fill = sum / static_cast<double>(values.size());
    } else if (strategy_ == "median" && !values.empty()) {
      std::sort(values.begin(), values.end());
      size_t mid = values.size() / 2;
      fill = values.size() % 2 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
    }
    fill_[name] = fill;
  }
}

void FillNullTransform::apply(Table& table) const {
  for (const auto& name : columns_) {
    const Column& input = numeric_input(table, name, "fill_null");
    double fill = fill_.at(name);
    Column out(name, DType::kFloat64);
    out.reserve(input.size());
    for (size_t row = 0; row < input.size(); ++row) {
      out.push_float(input.is_null(row) ? fill : input.numeric_at(row));
    }
    table.set_column(std::move(out));
  }
}

nlohmann::json FillNullTransform::state() const {
  return {{"fill", fill_}};
}
void FillNullTransform::load_state(const nlohmann::json& state) {
  fill_ = state.at("fill").get<std::map<std::string, double>>();
}

StandardScaleTransform::StandardScaleTransform(const ConfigNode& spec) {
  check_transform_keys(spec, {"columns", "column"});
  columns_ = transform_columns(spec);
}

void StandardScaleTransform::fit(const Table& training) {
  for (const auto& name : columns_) {
    const Column& column = numeric_input(training, name, "standard_scale");
    double sum = 0, sum_squares = 0;
    size_t count = 0;
    for (size_t row = 0; row < column.size(); ++row) {
      if (column.is_null(row)) continue;
      double v = column.numeric_at(row);
      sum += v;
      sum_squares += v * v;
      ++count;
    }
    double mean = count ? sum / static_cast<double>(count) : 0;
    double variance = count ? sum_squares / static_cast<double>(count) - mean * mean : 0;
    double std = variance > 0 ? std::sqrt(variance) : 1;  // a constant column stays at 0
    mean_std_[name] = {mean, std};
  }
}

void StandardScaleTransform::apply(Table& table) const {
  for (const auto& name : columns_) {
    auto [mean, std] = mean_std_.at(name);
    const Column& input = numeric_input(table, name, "standard_scale");
    table.set_column(map_to_float(input, [&](double x) { return (x - mean) / std; }));
  }
}

nlohmann::json StandardScaleTransform::state() const {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [name, ms] : mean_std_) out[name] = {{"mean", ms.first}, {"std", ms.second}};
  return out;
}

void StandardScaleTransform::load_state(const nlohmann::json& state) {
  for (const auto& [name, ms] : state.items()) {
    mean_std_[name] = {ms.at("mean").get<double>(), ms.at("std").get<double>()};
  }
}

}  // namespace mlops

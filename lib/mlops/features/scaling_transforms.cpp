#include "mlops/features/scaling_transforms.h"

#include <algorithm>
#include <cmath>

#include "mlops/features/column_stats.h"
#include "mlops/features/transform_params.h"

namespace mlops {

StandardScaleTransform::StandardScaleTransform(const ConfigNode& spec) {
  check_transform_keys(spec, {"columns", "column", "name"});
  columns_ = transform_columns(spec);
  output_ = output_name(spec, columns_);
}

void StandardScaleTransform::fit(const Table& table, const FitContext& context) {
  for (const auto& name : columns_) {
    const std::vector<double> values =
        numeric_values(numeric_input(table, name, "standard_scale"), context.rows);
    const double mean = values.empty() ? 0 : mean_of(values);
    double squares = 0;
    for (double v : values) squares += (v - mean) * (v - mean);
    const double variance = values.empty() ? 0 : squares / static_cast<double>(values.size());
    const double std = variance > 0 ? std::sqrt(variance) : 1;  // a constant column stays at 0
    mean_std_[name] = {mean, std};
  }
}

void StandardScaleTransform::apply(Table& table) const {
  for (const auto& name : columns_) {
    // Plain locals, not a structured binding: clang 14 (the fuzz build) cannot capture those.
    const double mean = mean_std_.at(name).first;
    const double scale = mean_std_.at(name).second;
    const Column& input = numeric_input(table, name, "standard_scale");
    Column out = map_to_float(input, [&](double x) { return (x - mean) / scale; });
    out.rename(output_for(name, output_));
    table.set_column(std::move(out));
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

MinMaxScaleTransform::MinMaxScaleTransform(const ConfigNode& spec) {
  check_transform_keys(spec, {"columns", "column", "name"});
  columns_ = transform_columns(spec);
  output_ = output_name(spec, columns_);
}

void MinMaxScaleTransform::fit(const Table& table, const FitContext& context) {
  for (const auto& name : columns_) {
    const std::vector<double> values =
        numeric_values(numeric_input(table, name, "min_max_scale"), context.rows);
    if (values.empty()) {
      min_max_[name] = {0, 0};
      continue;
    }
    auto [low, high] = std::minmax_element(values.begin(), values.end());
    min_max_[name] = {*low, *high};
  }
}

void MinMaxScaleTransform::apply(Table& table) const {
  for (const auto& name : columns_) {
    const double low = min_max_.at(name).first;  // not a binding: see StandardScaleTransform
    const double high = min_max_.at(name).second;
    const double range = high > low ? high - low : 1;  // a constant column stays at 0
    const Column& input = numeric_input(table, name, "min_max_scale");
    Column out = map_to_float(input, [&](double x) { return (x - low) / range; });
    out.rename(output_for(name, output_));
    table.set_column(std::move(out));
  }
}

nlohmann::json MinMaxScaleTransform::state() const {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [name, mm] : min_max_) out[name] = {{"min", mm.first}, {"max", mm.second}};
  return out;
}

void MinMaxScaleTransform::load_state(const nlohmann::json& state) {
  for (const auto& [name, mm] : state.items()) {
    min_max_[name] = {mm.at("min").get<double>(), mm.at("max").get<double>()};
  }
}

}  // namespace mlops

#include "mlops/features/numeric_transforms.h"

#include <algorithm>
#include <cmath>

#include "mlops/core/error.h"
#include "mlops/features/column_stats.h"
#include "mlops/features/transform_params.h"

namespace mlops {

namespace {

nlohmann::json optional_json(const std::optional<double>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

std::optional<double> optional_from_json(const nlohmann::json& value) {
  return value.is_null() ? std::nullopt : std::optional<double>(value.get<double>());
}

bool whole(const std::optional<double>& value) {
  return !value || std::floor(*value) == *value;
}

}  // namespace

Log1pTransform::Log1pTransform(const ConfigNode& spec) {
  check_transform_keys(spec, {"columns", "column", "name"});
  columns_ = transform_columns(spec);
  output_ = output_name(spec, columns_);
}

void Log1pTransform::apply(Table& table) const {
  for (const auto& name : columns_) {
    const Column& input = numeric_input(table, name, "log1p");
    Column out = map_to_float_memo(input, [](double x) { return x > -1 ? std::log1p(x) : NAN; });
    out.rename(output_for(name, output_));
    table.set_column(std::move(out));
  }
}

ClipTransform::ClipTransform(const ConfigNode& spec) {
  check_transform_keys(spec, {"columns", "column", "name", "min", "max", "quantiles"});
  columns_ = transform_columns(spec);
  output_ = output_name(spec, columns_);
  fixed_ = {read_number(spec, "min"), read_number(spec, "max")};
  if (const ConfigNode* quantiles = spec.get("quantiles")) {
    const std::vector<std::string> items = quantiles->as_string_list("quantiles");
    const std::string where = quantiles->origin().describe();
    if (fixed_.first || fixed_.second) {
      throw ConfigError("{}: transform 'clip': give either min/max or quantiles, not both", where);
    }
    if (items.size() != 2) {
      throw ConfigError("{}: transform 'clip': quantiles must be [low, high], e.g. [0.01, 0.99]",
                        where);
    }
    const double low = quantiles->items()[0].as_double("quantiles");
    const double high = quantiles->items()[1].as_double("quantiles");
    if (!(0 <= low && low < high && high <= 1)) {
      throw ConfigError("{}: transform 'clip': quantiles must satisfy 0 <= low < high <= 1", where);
    }
    quantiles_ = std::make_pair(low, high);
  } else if (!fixed_.first && !fixed_.second) {
    throw ConfigError("{}: transform 'clip' needs 'min', 'max' or 'quantiles'",
                      spec.origin().describe());
  } else if (fixed_.first && fixed_.second && *fixed_.first > *fixed_.second) {
    throw ConfigError("{}: transform 'clip': min {} is above max {}", spec.origin().describe(),
                      *fixed_.first, *fixed_.second);
  }
}

void ClipTransform::fit(const Table& table, const FitContext& context) {
  for (const auto& name : columns_) {
    if (!quantiles_) {
      bounds_[name] = fixed_;
      continue;
    }
    std::vector<double> values = numeric_values(numeric_input(table, name, "clip"), context.rows);
    std::sort(values.begin(), values.end());
    if (values.empty()) {
      bounds_[name] = {};
      continue;
    }
    bounds_[name] = {quantile_of_sorted(values, quantiles_->first),
                     quantile_of_sorted(values, quantiles_->second)};
  }
}

void ClipTransform::apply(Table& table) const {
  for (const auto& name : columns_) {
    const Column& input = numeric_input(table, name, "clip");
    const auto it = bounds_.find(name);
    const Bounds bounds = it != bounds_.end() ? it->second : fixed_;
    const double low = bounds.first.value_or(-INFINITY);
    const double high = bounds.second.value_or(INFINITY);
    if (input.type() == DType::kInt64 && whole(bounds.first) && whole(bounds.second)) {
      Column out(output_for(name, output_), DType::kInt64);
      out.reserve(input.size());
      for (size_t row = 0; row < input.size(); ++row) {
        if (input.is_null(row)) {
          out.push_null();
        } else {
          const double x = std::clamp(static_cast<double>(input.int_at(row)), low, high);
          out.push_int(static_cast<int64_t>(x));
        }
      }
      table.set_column(std::move(out));
    } else {
      Column out = map_to_float(input, [&](double x) { return std::clamp(x, low, high); });
      out.rename(output_for(name, output_));
      table.set_column(std::move(out));
    }
  }
}

nlohmann::json ClipTransform::state() const {
  nlohmann::json bounds = nlohmann::json::object();
  for (const auto& [name, b] : bounds_) {
    bounds[name] = nlohmann::json::array({optional_json(b.first), optional_json(b.second)});
  }
  return {{"bounds", bounds}};
}

void ClipTransform::load_state(const nlohmann::json& state) {
  bounds_.clear();
  for (const auto& [name, b] : state.at("bounds").items()) {
    bounds_[name] = {optional_from_json(b.at(0)), optional_from_json(b.at(1))};
  }
}

BucketizeTransform::BucketizeTransform(const ConfigNode& spec) {
  check_transform_keys(spec, {"columns", "column", "name", "bounds", "bins"});
  columns_ = transform_columns(spec);
  output_ = output_name(spec, columns_);
  const ConfigNode* bounds = spec.get("bounds");
  const ConfigNode* bins = spec.get("bins");
  if ((bounds != nullptr) == (bins != nullptr)) {
    throw ConfigError("{}: transform 'bucketize' needs either 'bounds' or 'bins'",
                      spec.origin().describe());
  }
  if (bounds) {
    bounds->as_string_list("bounds");  // a list (or one value)
    if (bounds->is_scalar()) {
      fixed_.push_back(bounds->as_double("bounds"));
    } else {
      for (const auto& item : bounds->items()) fixed_.push_back(item.as_double("bounds"));
    }
    for (size_t i = 1; i < fixed_.size(); ++i) {
      if (!(fixed_[i - 1] < fixed_[i])) {
        throw ConfigError("{}: transform 'bucketize': bounds must be strictly increasing",
                          bounds->origin().describe());
      }
    }
  } else {
    const int64_t value = bins->as_int("bins");
    if (value < 2) {
      throw ConfigError("{}: transform 'bucketize': bins must be >= 2", bins->origin().describe());
    }
    bins_ = static_cast<size_t>(value);
  }
}

void BucketizeTransform::fit(const Table& table, const FitContext& context) {
  for (const auto& name : columns_) {
    if (!bins_) {
      bounds_[name] = fixed_;
      continue;
    }
    std::vector<double> values =
        numeric_values(numeric_input(table, name, "bucketize"), context.rows);
    std::sort(values.begin(), values.end());
    std::vector<double> bounds;
    for (size_t i = 1; i < bins_ && !values.empty(); ++i) {
      const double edge = quantile_of_sorted(values, static_cast<double>(i) / bins_);
      if (bounds.empty() || edge > bounds.back()) bounds.push_back(edge);  // ties merge bins
    }
    bounds_[name] = std::move(bounds);
  }
}

void BucketizeTransform::apply(Table& table) const {
  for (const auto& name : columns_) {
    const Column& input = numeric_input(table, name, "bucketize");
    const auto it = bounds_.find(name);
    const std::vector<double>& bounds = it != bounds_.end() ? it->second : fixed_;
    Column out(output_for(name, output_), DType::kInt64);
    out.reserve(input.size());
    for (size_t row = 0; row < input.size(); ++row) {
      if (input.is_null(row)) {
        out.push_null();
        continue;
      }
      const double x = input.numeric_at(row);
      out.push_int(std::upper_bound(bounds.begin(), bounds.end(), x) - bounds.begin());
    }
    table.set_column(std::move(out));
  }
}

nlohmann::json BucketizeTransform::state() const {
  return {{"bounds", bounds_}};
}

void BucketizeTransform::load_state(const nlohmann::json& state) {
  bounds_ = state.at("bounds").get<std::map<std::string, std::vector<double>>>();
}

}  // namespace mlops

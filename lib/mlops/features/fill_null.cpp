#include "mlops/features/fill_null.h"

#include <algorithm>
#include <cmath>

#include "mlops/core/error.h"
#include "mlops/core/time.h"
#include "mlops/core/value_parse.h"
#include "mlops/features/categories.h"
#include "mlops/features/column_stats.h"
#include "mlops/features/transform_params.h"

namespace mlops {

namespace {

/// The value of `row` as JSON of the column's type (timestamps as text).
nlohmann::json json_value(const Column& column, size_t row) {
  switch (column.type()) {
    case DType::kInt64: return column.int_at(row);
    case DType::kFloat64: return column.float_at(row);
    case DType::kBool: return column.bool_at(row);
    default: return column.format_value(row);
  }
}

/// The declared constant as JSON for a column of `type`; nullopt when it does not fit.
std::optional<nlohmann::json> typed_constant(const std::string& text, DType type) {
  switch (type) {
    case DType::kString: return nlohmann::json(text);
    case DType::kInt64:
      if (auto i = parse_int64(text)) return nlohmann::json(*i);
      [[fallthrough]];
    case DType::kFloat64:
      if (auto d = parse_double(text)) return nlohmann::json(*d);
      return std::nullopt;
    case DType::kBool:
      if (auto b = parse_bool(text)) return nlohmann::json(*b);
      return std::nullopt;
    case DType::kTimestamp:
      if (parse_timestamp(text)) return nlohmann::json(text);
      return std::nullopt;
  }
  return std::nullopt;
}

/// The input with nulls replaced by `fill`; an int64 column filled with a fraction becomes
/// float64.
Column filled(const Column& input, const nlohmann::json& fill) {
  const std::string& name = input.name();
  auto mismatch = [&]() -> DataError {
    return DataError("featurize: transform 'fill_null': value {} does not fit column '{}' ({})",
                     fill.dump(), name, dtype_name(input.type()));
  };
  DType type = input.type();
  if (type == DType::kInt64 && fill.is_number_float()) type = DType::kFloat64;
  Column out(name, type);
  out.reserve(input.size());
  switch (type) {
    case DType::kInt64: {
      if (!fill.is_number()) throw mismatch();
      const int64_t value = fill.get<int64_t>();
      for (size_t row = 0; row < input.size(); ++row) {
        out.push_int(input.is_null(row) ? value : input.int_at(row));
      }
      break;
    }
    case DType::kFloat64: {
      if (!fill.is_number()) throw mismatch();
      const double value = fill.get<double>();
      for (size_t row = 0; row < input.size(); ++row) {
        out.push_float(input.is_null(row) ? value : input.numeric_at(row));
      }
      break;
    }
    case DType::kBool: {
      if (!fill.is_boolean()) throw mismatch();
      const bool value = fill.get<bool>();
      for (size_t row = 0; row < input.size(); ++row) {
        out.push_bool(input.is_null(row) ? value : input.bool_at(row));
      }
      break;
    }
    case DType::kTimestamp: {
      std::optional<int64_t> value =
          fill.is_string() ? parse_timestamp(fill.get<std::string>()) : std::nullopt;
      if (!value) throw mismatch();
      for (size_t row = 0; row < input.size(); ++row) {
        out.push_int(input.is_null(row) ? *value : input.int_at(row));
      }
      break;
    }
    case DType::kString: {
      const std::string value = fill.is_string() ? fill.get<std::string>() : fill.dump();
      for (size_t row = 0; row < input.size(); ++row) {
        out.push_string(input.is_null(row) ? std::string_view(value) : input.string_at(row));
      }
      break;
    }
  }
  return out;
}

}  // namespace

FillNullTransform::FillNullTransform(const ConfigNode& spec) {
  check_transform_keys(spec, {"columns", "column", "name", "strategy", "value"});
  columns_ = transform_columns(spec);
  output_ = output_name(spec, columns_);
  strategy_ = read_choice(spec, "strategy", {"mean", "median", "mode", "constant"}, "mean");
  if (strategy_ == "constant") {
    if (!spec.get("value")) {
      throw ConfigError("{}: transform 'fill_null' with strategy constant needs 'value'",
                        spec.origin().describe());
    }
    constant_ = spec.get("value")->as_string("value");
  } else if (const ConfigNode* value = spec.get("value")) {
    throw ConfigError("{}: transform 'fill_null': 'value' needs strategy: constant",
                      value->origin().describe());
  }
}

void FillNullTransform::fit(const Table& table, const FitContext& context) {
  for (const auto& name : columns_) {
    if (strategy_ == "constant") {
      const Column& column = input_column(table, name, "fill_null");
      std::optional<nlohmann::json> value = typed_constant(constant_, column.type());
      if (!value) {
        throw DataError(
            "featurize: transform 'fill_null': value '{}' does not fit column '{}' ({})", constant_,
            name, dtype_name(column.type()));
      }
      fill_[name] = *value;
    } else if (strategy_ == "mode") {
      const Column& column = input_column(table, name, "fill_null");
      // The first training row holding the most frequent value gives it its type.
      const auto counted = count_categories(column, context.rows);
      nlohmann::json value = nullptr;
      for (size_t row : context.rows) {
        if (!counted.empty() && !column.is_null(row) &&
            category_key(column, row) == counted.front().first) {
          value = json_value(column, row);
          break;
        }
      }
      fill_[name] = value;
    } else {
      std::vector<double> values =
          numeric_values(numeric_input(table, name, "fill_null"), context.rows);
      double fill = 0;  // no training value at all: fill with 0
      if (!values.empty() && strategy_ == "mean") fill = mean_of(values);
      if (!values.empty() && strategy_ == "median") {
        std::sort(values.begin(), values.end());
        fill = quantile_of_sorted(values, 0.5);
      }
      fill_[name] = fill;
    }
  }
}

void FillNullTransform::apply(Table& table) const {
  for (const auto& name : columns_) {
    const Column& input = input_column(table, name, "fill_null");
    const nlohmann::json& fill = fill_.at(name);
    Column out = fill.is_null() ? input : filled(input, fill);  // null: no training value
    out.rename(output_for(name, output_));
    table.set_column(std::move(out));
  }
}

nlohmann::json FillNullTransform::state() const {
  return {{"fill", fill_}};
}
void FillNullTransform::load_state(const nlohmann::json& state) {
  fill_ = state.at("fill").get<std::map<std::string, nlohmann::json>>();
}

}  // namespace mlops

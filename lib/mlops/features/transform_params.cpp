#include "mlops/features/transform_params.h"

#include <fmt/ranges.h>

#include <algorithm>

#include "mlops/core/error.h"
#include "mlops/core/suggest.h"

namespace mlops {

void check_transform_keys(const ConfigNode& spec, const std::vector<std::string>& allowed) {
  for (const auto& [key, value] : spec.entries()) {
    if (key == "type") continue;
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      throw ConfigError("{}: transform '{}': unknown key '{}'{}", value.origin().describe(),
                        transform_type(spec), key, did_you_mean(key, allowed));
    }
  }
}

std::string transform_type(const ConfigNode& spec) {
  const ConfigNode* type = spec.get("type");
  return type ? type->text() : "?";
}

std::vector<std::string> transform_columns(const ConfigNode& spec) {
  if (const ConfigNode* columns = spec.get("columns")) return columns->as_string_list("columns");
  if (const ConfigNode* column = spec.get("column")) return {column->as_string("column")};
  throw ConfigError("{}: transform '{}' needs 'columns' (or 'column')", spec.origin().describe(),
                    transform_type(spec));
}

std::string output_name(const ConfigNode& spec, const std::vector<std::string>& columns) {
  const ConfigNode* name = spec.get("name");
  if (!name) return "";
  if (columns.size() != 1) {
    throw ConfigError("{}: transform '{}': 'name' needs exactly one column",
                      name->origin().describe(), transform_type(spec));
  }
  return name->as_string("name");
}

std::string read_choice(const ConfigNode& spec, const std::string& key,
                        const std::vector<std::string>& choices, const std::string& fallback) {
  const ConfigNode* node = spec.get(key);
  if (!node) return fallback;
  // `unseen: null` reads as a YAML null; the choice is the word.
  std::string value = node->is_null() ? "null" : node->as_string(key);
  if (std::find(choices.begin(), choices.end(), value) == choices.end()) {
    throw ConfigError("{}: transform '{}': {} '{}' is not one of {}{}", node->origin().describe(),
                      transform_type(spec), key, value, fmt::join(choices, ", "),
                      did_you_mean(value, choices));
  }
  return value;
}

std::optional<double> read_number(const ConfigNode& spec, const std::string& key) {
  const ConfigNode* node = spec.get(key);
  if (!node) return std::nullopt;
  return node->as_double(key);
}

std::string required_string(const ConfigNode& spec, const std::string& key) {
  const ConfigNode* node = spec.get(key);
  if (!node) {
    throw ConfigError("{}: transform '{}' needs '{}'", spec.origin().describe(),
                      transform_type(spec), key);
  }
  return node->as_string(key);
}

const Column& input_column(const Table& table, const std::string& name,
                           const std::string& transform) {
  if (const Column* column = table.find(name)) return *column;
  throw DataError("featurize: transform '{}': no column '{}'{}", transform, name,
                  did_you_mean(name, table.column_names()));
}

const Column& numeric_input(const Table& table, const std::string& name,
                            const std::string& transform) {
  const Column& column = input_column(table, name, transform);
  if (!column.is_numeric()) {
    throw DataError("featurize: transform '{}': column '{}' is {}, expected a numeric column",
                    transform, name, dtype_name(column.type()));
  }
  return column;
}

void throw_unseen(const std::string& transform, const std::string& column, std::string_view value) {
  throw DataError(
      "featurize: transform '{}': unseen value '{}' in column '{}' (declared unseen: error)",
      transform, value, column);
}

}  // namespace mlops

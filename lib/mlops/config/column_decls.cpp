// ingest.schema parsing: the schema table only knows it is a map with free keys.

#include "mlops/config/column_decls.h"

#include "mlops/core/error.h"
#include "mlops/core/suggest.h"
#include "mlops/core/time_format.h"

namespace mlops::config_detail {
namespace {

ColumnDecl parse_column(const std::string& column, const ConfigNode& value) {
  const std::string key = "ingest.schema." + column;
  ColumnDecl decl;
  decl.name = column;
  const ConfigNode* type_node = &value;
  if (value.is_map()) {
    static const std::vector<std::string> kFields{"type", "values", "format"};
    for (const auto& [field, field_value] : value.entries()) {
      if (field != "type" && field != "values" && field != "format") {
        throw ConfigError("{}: unknown key '{}.{}'{}", field_value.origin().describe(), key, field,
                          did_you_mean(field, kFields));
      }
    }
    type_node = value.get("type");
    if (const ConfigNode* values = value.get("values")) {
      decl.allowed = values->as_string_list(key + ".values");
    }
  } else if (!value.is_scalar()) {
    throw ConfigError("{}: key '{}': expected a type name or {{type, values}}, got {}",
                      value.origin().describe(), key, value.is_null() ? "nothing" : "a list");
  }
  // {values: [a, b]} alone declares a string column: only strings have allowed values.
  const std::string type_name =
      type_node && !type_node->is_null() ? type_node->as_string(key + ".type") : "string";
  std::optional<DType> type = parse_dtype(type_name);
  if (!type) {
    throw ConfigError("{}: key '{}': unknown type '{}'{}",
                      (type_node ? *type_node : value).origin().describe(), key, type_name,
                      did_you_mean(type_name, dtype_names()));
  }
  decl.type = *type;
  if (!decl.allowed.empty() && decl.type != DType::kString) {
    throw ConfigError("{}: key '{}.values': allowed values need type string, not '{}'",
                      value.origin().describe(), key, type_name);
  }
  if (const ConfigNode* format = value.is_map() ? value.get("format") : nullptr) {
    if (decl.type != DType::kTimestamp) {
      throw ConfigError("{}: key '{}.format': a format needs type timestamp, not '{}'",
                        format->origin().describe(), key, type_name);
    }
    const std::string pattern = format->as_string(key + ".format");
    std::string error;
    std::optional<TimestampFormat> compiled = TimestampFormat::compile(pattern, error);
    if (!compiled) {
      throw ConfigError("{}: key '{}.format': '{}' {} (docs/config.md, Timestamp formats)",
                        format->origin().describe(), key, pattern, error);
    }
    decl.format = std::make_shared<const TimestampFormat>(std::move(*compiled));
  }
  return decl;
}

}  // namespace

std::vector<ColumnDecl> parse_column_decls(const ConfigNode* schema) {
  std::vector<ColumnDecl> columns;
  if (!schema || schema->is_null()) return columns;
  for (const auto& [column, value] : schema->entries()) {
    columns.push_back(parse_column(column, value));
  }
  return columns;
}

}  // namespace mlops::config_detail

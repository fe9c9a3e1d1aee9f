#include "mlops/contracts/contract.h"

#include "mlops/core/error.h"
#include "mlops/core/suggest.h"
#include "mlops/io/file.h"

namespace mlops {

namespace {

const std::vector<std::string> kContractKeys = {"rows", "columns", "description"};
const std::vector<std::string> kRowKeys = {"min", "max", "severity"};
const std::vector<std::string> kColumnKeys = {"dtype", "nullable", "max_null_fraction", "min",
                                              "max",   "values",   "severity"};

void check_keys(const ConfigNode& node, const std::vector<std::string>& allowed,
                const std::string& where) {
  if (!node.is_map()) {
    throw ConfigError("{}: key '{}': expected a map", node.origin().describe(), where);
  }
  for (const auto& [key, value] : node.entries()) {
    bool known = false;
    for (const auto& name : allowed) known = known || name == key;
    if (!known) {
      throw ConfigError("{}: unknown contract key '{}{}'{}", value.origin().describe(),
                        where.empty() ? "" : where + ".", key, did_you_mean(key, allowed));
    }
  }
}

Severity parse_severity(const ConfigNode& node, const std::string& key) {
  std::string text = node.as_string(key);
  if (text == "error") return Severity::kError;
  if (text == "warn") return Severity::kWarn;
  throw ConfigError("{}: key '{}': expected error or warn, got '{}'", node.origin().describe(), key,
                    text);
}

}  // namespace

Contract parse_contract(const ConfigNode& node, std::string name) {
  Contract contract;
  contract.name = std::move(name);
  if (node.is_null()) return contract;
  check_keys(node, kContractKeys, "");
  if (const ConfigNode* rows = node.get("rows")) {
    check_keys(*rows, kRowKeys, "rows");
    if (const ConfigNode* min = rows->get("min")) contract.min_rows = min->as_int("rows.min");
    if (const ConfigNode* max = rows->get("max")) contract.max_rows = max->as_int("rows.max");
    if (const ConfigNode* s = rows->get("severity"))
      contract.rows_severity = parse_severity(*s, "rows.severity");
  }
  if (const ConfigNode* columns = node.get("columns")) {
    if (!columns->is_map()) {
      throw ConfigError("{}: key 'columns': expected a map of column name to rules",
                        columns->origin().describe());
    }
    for (const auto& [column, rules] : columns->entries()) {
      const std::string where = "columns." + column;
      ColumnRule rule;
      rule.column = column;
      if (rules.is_null()) {  // `column:` alone means only "required"
        contract.columns.push_back(rule);
        continue;
      }
      check_keys(rules, kColumnKeys, where);
      if (const ConfigNode* dtype = rules.get("dtype")) {
        std::string text = dtype->as_string(where + ".dtype");
        rule.dtype = parse_dtype(text);
        if (!rule.dtype) {
          throw ConfigError("{}: key '{}.dtype': unknown type '{}'{}", dtype->origin().describe(),
                            where, text, did_you_mean(text, dtype_names()));
        }
      }
      if (const ConfigNode* v = rules.get("nullable"))
        rule.nullable = v->as_bool(where + ".nullable");
      if (const ConfigNode* v = rules.get("max_null_fraction")) {
        rule.max_null_fraction = v->as_double(where + ".max_null_fraction");
      }
      if (const ConfigNode* v = rules.get("min")) rule.min = v->as_double(where + ".min");
      if (const ConfigNode* v = rules.get("max")) rule.max = v->as_double(where + ".max");
      if (const ConfigNode* v = rules.get("values"))
        rule.values = v->as_string_list(where + ".values");
      if (const ConfigNode* v = rules.get("severity"))
        rule.severity = parse_severity(*v, where + ".severity");
      contract.columns.push_back(std::move(rule));
    }
  }
  return contract;
}

Contract load_contract_file(const std::string& path) {
  return parse_contract(load_yaml_file(path), path);
}

Contract load_contract(const ConfigNode& entry, const std::string& stage) {
  if (entry.is_scalar()) return load_contract_file(entry.text());
  return parse_contract(entry, "contracts." + stage);
}

}  // namespace mlops

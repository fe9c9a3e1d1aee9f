#include "mlops/contracts/contract.h"

#include <fmt/format.h>

#include <algorithm>
#include <regex>

#include "mlops/core/error.h"
#include "mlops/core/suggest.h"
#include "mlops/core/duration.h"
#include "mlops/io/file.h"

namespace mlops {

namespace {

const std::vector<std::string> kContractKeys = {
    "description", "rows",        "columns",   "required", "forbidden", "ordered", "shape",
    "primary_key", "expressions", "freshness", "drift",    "policy",    "severity"};
const std::vector<std::string> kRowKeys = {"min", "max", "severity"};
const std::vector<std::string> kColumnKeys = {
    "dtype",  "nullable",   "max_null_fraction", "min",  "max", "values",  "pattern",
    "unique", "min_length", "max_length",        "mean", "std", "severity"};
const std::vector<std::string> kBoundsKeys = {"min", "max"};
const std::vector<std::string> kShapeKeys = {"rows", "columns"};
const std::vector<std::string> kExpressionKeys = {"expr", "name", "severity"};
const std::vector<std::string> kFreshnessKeys = {"column", "max_age", "severity"};
const std::vector<std::string> kThresholdKeys = {"psi", "ks", "null_rate_change", "mean_shift",
                                                 "std_ratio"};
const std::vector<std::string> kPrimaryKeyKeys = {"columns", "severity"};

void check_keys(const ConfigNode& node, const std::vector<std::string>& allowed,
                const std::string& where) {
  if (!node.is_map()) {
    throw ConfigError("{}: key '{}': expected a map", node.origin().describe(), where);
  }
  for (const auto& [key, value] : node.entries()) {
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
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

Severity severity_of(const ConfigNode& node, const std::string& where, Severity fallback) {
  const ConfigNode* s = node.is_map() ? node.get("severity") : nullptr;
  return s ? parse_severity(*s, where + ".severity") : fallback;
}

size_t read_count(const ConfigNode& node, const std::string& key) {
  const int64_t value = node.as_int(key);
  if (value < 0) {
    throw ConfigError("{}: key '{}': must not be negative", node.origin().describe(), key);
  }
  return static_cast<size_t>(value);
}

Bounds parse_bounds(const ConfigNode& node, const std::string& where) {
  check_keys(node, kBoundsKeys, where);
  Bounds bounds;
  if (const ConfigNode* v = node.get("min")) bounds.min = v->as_double(where + ".min");
  if (const ConfigNode* v = node.get("max")) bounds.max = v->as_double(where + ".max");
  return bounds;
}

ColumnRule parse_column(const std::string& column, const ConfigNode& rules, Severity fallback) {
  const std::string where = "columns." + column;
  ColumnRule rule;
  rule.column = column;
  rule.severity = fallback;
  if (rules.is_null()) return rule;  // `column:` alone means only "required"
  check_keys(rules, kColumnKeys, where);
  if (const ConfigNode* dtype = rules.get("dtype")) {
    std::string text = dtype->as_string(where + ".dtype");
    rule.dtype = parse_dtype(text);
    if (!rule.dtype) {
      throw ConfigError("{}: key '{}.dtype': unknown type '{}'{}", dtype->origin().describe(),
                        where, text, did_you_mean(text, dtype_names()));
    }
  }
  if (const ConfigNode* v = rules.get("nullable")) rule.nullable = v->as_bool(where + ".nullable");
  if (const ConfigNode* v = rules.get("max_null_fraction")) {
    rule.max_null_fraction = v->as_double(where + ".max_null_fraction");
  }
  if (const ConfigNode* v = rules.get("min")) rule.min = v->as_double(where + ".min");
  if (const ConfigNode* v = rules.get("max")) rule.max = v->as_double(where + ".max");
  if (const ConfigNode* v = rules.get("values")) rule.values = v->as_string_list(where + ".values");
  if (const ConfigNode* v = rules.get("pattern")) {
    rule.pattern = v->as_string(where + ".pattern");
    try {
      std::regex check(*rule.pattern);
    } catch (const std::regex_error& e) {
      throw ConfigError("{}: key '{}.pattern': bad regular expression '{}': {}",
                        v->origin().describe(), where, *rule.pattern, e.what());
    }
  }
  if (const ConfigNode* v = rules.get("unique")) rule.unique = v->as_bool(where + ".unique");
  if (const ConfigNode* v = rules.get("min_length")) {
    rule.min_length = read_count(*v, where + ".min_length");
  }
  if (const ConfigNode* v = rules.get("max_length")) {
    rule.max_length = read_count(*v, where + ".max_length");
  }
  if (const ConfigNode* v = rules.get("mean")) rule.mean = parse_bounds(*v, where + ".mean");
  if (const ConfigNode* v = rules.get("std")) rule.stddev = parse_bounds(*v, where + ".std");
  rule.severity = severity_of(rules, where, fallback);
  return rule;
}

ExpressionRule parse_expression_rule(const ConfigNode& item, size_t index, Severity fallback) {
  const std::string where = fmt::format("expressions[{}]", index);
  const ConfigNode* text = &item;
  ExpressionRule rule;
  rule.severity = fallback;
  if (item.is_map()) {
    check_keys(item, kExpressionKeys, where);
    text = item.get("expr");
    if (!text) {
      throw ConfigError("{}: key '{}.expr' is required", item.origin().describe(), where);
    }
    if (const ConfigNode* name = item.get("name")) rule.name = name->as_string(where + ".name");
    rule.severity = severity_of(item, where, fallback);
  }
  const std::string expr = text->as_string(where);
  rule.expression =
      Expression::parse(expr, fmt::format("{}: key '{}'", text->origin().describe(), where));
  if (rule.name.empty()) rule.name = expr;
  return rule;
}

DriftThresholds parse_thresholds(const ConfigNode& node, const std::string& where) {
  DriftThresholds t;
  auto read = [&](const char* key, std::optional<double>& out) {
    if (const ConfigNode* v = node.get(key)) {
      out = v->as_double(where.empty() ? key : where + "." + key);
      if (*out < 0) {
        throw ConfigError("{}: key '{}{}': must not be negative", v->origin().describe(),
                          where.empty() ? "" : where + ".", key);
      }
    }
  };
  read("psi", t.psi);
  read("ks", t.ks);
  read("null_rate_change", t.null_rate_change);
  read("mean_shift", t.mean_shift);
  read("std_ratio", t.std_ratio);
  return t;
}

bool any_threshold(const DriftThresholds& t) {
  return t.psi || t.ks || t.null_rate_change || t.mean_shift || t.std_ratio;
}

DriftRule parse_drift(const ConfigNode& node, Severity fallback) {
  std::vector<std::string> keys = kThresholdKeys;
  keys.insert(keys.end(), {"reference", "columns", "severity", "min_rows"});
  check_keys(node, keys, "drift");
  DriftRule rule;
  rule.severity = severity_of(node, "drift", fallback);
  if (const ConfigNode* v = node.get("reference")) rule.reference = v->as_string("drift.reference");
  if (const ConfigNode* v = node.get("min_rows")) {
    const int64_t rows = v->as_int("drift.min_rows");
    if (rows < 0) {
      throw ConfigError("{}: key 'drift.min_rows': must not be negative", v->origin().describe());
    }
    rule.min_rows = static_cast<size_t>(rows);
  }
  rule.thresholds = parse_thresholds(node, "drift");
  if (const ConfigNode* columns = node.get("columns")) {
    if (columns->is_map()) {
      for (const auto& [column, overrides] : columns->entries()) {
        rule.columns.push_back(column);
        if (overrides.is_null()) continue;
        const std::string where = "drift.columns." + column;
        check_keys(overrides, kThresholdKeys, where);
        rule.overrides[column] = parse_thresholds(overrides, where);
      }
    } else {
      rule.columns = columns->as_string_list("drift.columns");
    }
  }
  bool thresholds = any_threshold(rule.thresholds);
  for (const auto& [column, t] : rule.overrides) thresholds = thresholds || any_threshold(t);
  if (!thresholds) {
    throw ConfigError(
        "{}: key 'drift' needs a threshold: psi, ks, null_rate_change, mean_shift "
        "or std_ratio",
        node.origin().describe());
  }
  return rule;
}

}  // namespace

Contract parse_contract(const ConfigNode& node, std::string name) {
  Contract contract;
  contract.name = std::move(name);
  if (node.is_null()) return contract;
  check_keys(node, kContractKeys, "");
  if (const ConfigNode* s = node.get("severity"))
    contract.severity = parse_severity(*s, "severity");
  const Severity fallback = contract.severity;
  contract.rows_severity = fallback;
  if (const ConfigNode* rows = node.get("rows")) {
    check_keys(*rows, kRowKeys, "rows");
    if (const ConfigNode* min = rows->get("min")) contract.min_rows = read_count(*min, "rows.min");
    if (const ConfigNode* max = rows->get("max")) contract.max_rows = read_count(*max, "rows.max");
    contract.rows_severity = severity_of(*rows, "rows", fallback);
  }
  if (const ConfigNode* columns = node.get("columns")) {
    if (!columns->is_map()) {
      throw ConfigError("{}: key 'columns': expected a map of column name to rules",
                        columns->origin().describe());
    }
    for (const auto& [column, rules] : columns->entries()) {
      contract.columns.push_back(parse_column(column, rules, fallback));
    }
  }
  if (const ConfigNode* v = node.get("required")) contract.required = v->as_string_list("required");
  if (const ConfigNode* v = node.get("forbidden")) {
    contract.forbidden = v->as_string_list("forbidden");
  }
  if (const ConfigNode* v = node.get("ordered")) contract.ordered = v->as_bool("ordered");
  if (const ConfigNode* shape = node.get("shape")) {
    check_keys(*shape, kShapeKeys, "shape");
    if (const ConfigNode* v = shape->get("rows"))
      contract.shape_rows = read_count(*v, "shape.rows");
    if (const ConfigNode* v = shape->get("columns")) {
      contract.shape_columns = read_count(*v, "shape.columns");
    }
  }
  if (const ConfigNode* key = node.get("primary_key")) {
    contract.primary_key_severity = fallback;
    if (key->is_map()) {
      check_keys(*key, kPrimaryKeyKeys, "primary_key");
      if (const ConfigNode* v = key->get("columns")) {
        contract.primary_key = v->as_string_list("primary_key.columns");
      }
      contract.primary_key_severity = severity_of(*key, "primary_key", fallback);
    } else {
      contract.primary_key = key->as_string_list("primary_key");
    }
    if (contract.primary_key.empty()) {
      throw ConfigError("{}: key 'primary_key': expected one or more columns",
                        key->origin().describe());
    }
  }
  if (const ConfigNode* expressions = node.get("expressions")) {
    if (expressions->is_sequence()) {
      for (size_t i = 0; i < expressions->items().size(); ++i) {
        contract.expressions.push_back(parse_expression_rule(expressions->items()[i], i, fallback));
      }
    } else {
      contract.expressions.push_back(parse_expression_rule(*expressions, 0, fallback));
    }
  }
  if (const ConfigNode* fresh = node.get("freshness")) {
    check_keys(*fresh, kFreshnessKeys, "freshness");
    FreshnessRule rule;
    const ConfigNode* column = fresh->get("column");
    const ConfigNode* age = fresh->get("max_age");
    if (!column || !age) {
      throw ConfigError("{}: key 'freshness' needs 'column' and 'max_age' (e.g. 2d)",
                        fresh->origin().describe());
    }
    rule.column = column->as_string("freshness.column");
    rule.max_age = age->as_string("freshness.max_age");
    std::optional<int64_t> micros = parse_duration(rule.max_age);
    if (!micros) {
      throw ConfigError("{}: key 'freshness.max_age': '{}' is not a duration such as 30m, 12h, 2d",
                        age->origin().describe(), rule.max_age);
    }
    rule.max_age_micros = *micros;
    rule.severity = severity_of(*fresh, "freshness", fallback);
    contract.freshness = rule;
  }
  if (const ConfigNode* drift = node.get("drift")) contract.drift = parse_drift(*drift, fallback);
  if (const ConfigNode* policy = node.get("policy")) {
    const std::string text = policy->as_string("policy");
    if (text == "quarantine") {
      contract.policy = RowPolicy::kQuarantine;
    } else if (text != "fail") {
      throw ConfigError("{}: key 'policy': expected fail or quarantine, got '{}'{}",
                        policy->origin().describe(), text,
                        did_you_mean(text, {"fail", "quarantine"}));
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

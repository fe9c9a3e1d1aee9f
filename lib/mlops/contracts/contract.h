#pragma once
// Data contracts: what a table must look like. Declared inline in a workflow (`contracts:
// {ingest: {...}}`) or in a YAML file referenced by path; the same format is what `mlops
// validate --contract FILE DATA...` reads. docs/contracts.md is the full reference.
//
//   rows: {min: 100, max: 1000000}
//   columns:
//     Species: {dtype: string, nullable: false, values: [Adelie, Chinstrap, Gentoo]}
//     "Body Mass (g)": {dtype: float64, min: 2000, max: 7000, max_null_fraction: 0.05}
//     Sex: {values: [MALE, FEMALE], severity: warn}
//   forbidden: [delay]
//   primary_key: [date, origin]
//   expressions: ["temp_min <= temp_max"]
//   drift: {psi: 0.2, severity: warn}
//   policy: quarantine
//
// Every column listed is required. `severity: error` (default) fails the stage with exit 3;
// `warn` is reported and the run goes on. A top-level `severity` sets the default of every
// check in the contract.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "mlops/config/node.h"
#include "mlops/core/table.h"
#include "mlops/expr/expression.h"

namespace mlops {

/// error: a failed check stops the run (exit 3); warn: it is reported.
enum class Severity { kError, kWarn };
/// What a violated row-level check does: fail the check, or set the violating rows aside
/// (quarantine) and pass on the rest.
enum class RowPolicy { kFail, kQuarantine };

/// A lower and/or upper bound (mean, std).
struct Bounds {
  std::optional<double> min = std::nullopt;
  std::optional<double> max = std::nullopt;
};

/// The rules of one column under `columns:`; unset ones are not checked.
struct ColumnRule {
  std::string column;
  std::optional<DType> dtype = std::nullopt;
  std::optional<bool> nullable = std::nullopt;
  std::optional<double> max_null_fraction = std::nullopt;
  std::optional<double> min = std::nullopt;
  std::optional<double> max = std::nullopt;
  std::vector<std::string> values = {};
  std::optional<std::string> pattern = std::nullopt;  // the whole value must match (ECMAScript)
  bool unique = false;
  std::optional<size_t> min_length = std::nullopt;  // in characters (UTF-8 code points)
  std::optional<size_t> max_length = std::nullopt;
  Bounds mean = {};
  Bounds stddev = {};
  Severity severity = Severity::kError;
};

/// A row-level condition every row must meet (null counts as met, as in SQL CHECK).
struct ExpressionRule {
  std::string name;  // the expression's text unless named
  Expression expression;
  Severity severity = Severity::kError;
};

/// `freshness: {column, max_age}`: the newest timestamp is at most max_age old.
struct FreshnessRule {
  std::string column;
  int64_t max_age_micros = 0;
  std::string max_age;  // as written: "2d"
  Severity severity = Severity::kError;
};

/// Thresholds of the drift checks of one column; unset ones are not checked.
struct DriftThresholds {
  std::optional<double> psi = std::nullopt;               // max population stability index
  std::optional<double> ks = std::nullopt;                // max Kolmogorov-Smirnov statistic
  std::optional<double> null_rate_change = std::nullopt;  // max |null rate - reference's|
  std::optional<double> mean_shift = std::nullopt;        // max |mean - ref mean| / ref std
  std::optional<double> std_ratio = std::nullopt;         // max std / ref std, either way
};

/// Distribution checks against a reference profile (contracts/drift_reference.h).
struct DriftRule {
  std::string reference;  // a profile JSON or a data file; "" = the run's train/profile.json
  std::vector<std::string> columns;  // "" = every profiled column the data has
  DriftThresholds thresholds;
  std::map<std::string, DriftThresholds> overrides;  // per column
  Severity severity = Severity::kError;
  /// Fewer rows than this are too few to measure drift: reported as insufficient_data and no
  /// drift check fails. 200 keeps the sampling noise of a decile PSI (about 9 / rows for data
  /// with no drift at all) under half of the usual 0.1 warning line (docs/contracts.md).
  size_t min_rows = kDefaultDriftMinRows;
  static constexpr size_t kDefaultDriftMinRows = 200;
};

/// A parsed contract.
struct Contract {
  std::string name;  // file path, or "contracts.<stage>" for an inline contract
  std::optional<size_t> min_rows = std::nullopt;
  std::optional<size_t> max_rows = std::nullopt;
  std::vector<ColumnRule> columns = {};
  Severity rows_severity = Severity::kError;
  std::vector<std::string> required = {};           // present, no other rule
  std::vector<std::string> forbidden = {};          // must be absent (label leakage, PII)
  bool ordered = false;                             // `columns` appear in the data in listed order
  std::optional<size_t> shape_rows = std::nullopt;  // exact row count
  std::optional<size_t> shape_columns = std::nullopt;
  std::vector<std::string> primary_key = {};  // unique combination of these columns
  Severity primary_key_severity = Severity::kError;
  std::vector<ExpressionRule> expressions = {};
  std::optional<FreshnessRule> freshness = std::nullopt;
  std::optional<DriftRule> drift = std::nullopt;
  RowPolicy policy = RowPolicy::kFail;
  Severity severity = Severity::kError;  // default of checks without their own
};

/// Parses a contract from a map. Throws ConfigError naming origin and key for unknown keys
/// (with "did you mean"), unknown dtypes, bad regexes and expressions, and wrong value types.
Contract parse_contract(const ConfigNode& node, std::string name);
/// A workflow's contract entry: an inline map, or a scalar path to a YAML file (relative to
/// the current directory). Throws ConfigError for a missing file.
Contract load_contract(const ConfigNode& entry, const std::string& stage);
/// Reads a contract YAML file.
Contract load_contract_file(const std::string& path);

}  // namespace mlops

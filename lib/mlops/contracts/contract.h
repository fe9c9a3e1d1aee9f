#pragma once
// Data contracts: what a stage's output table must look like. Declared inline in a workflow
// (`contracts: {ingest: {...}}`) or in a YAML file referenced by path; the same format is what
// `mlops validate --contract FILE DATA...` reads.
//
//   rows: {min: 100, max: 1000000}
//   columns:
//     Species: {dtype: string, nullable: false, values: [Adelie, Chinstrap, Gentoo]}
//     "Body Mass (g)": {dtype: float64, min: 2000, max: 7000, max_null_fraction: 0.05}
//     Sex: {values: [MALE, FEMALE], severity: warn}
//
// Every column listed is required. `severity: error` (default) fails the stage with exit 3;
// `warn` is reported and the run goes on.

#include <optional>
#include <string>
#include <vector>

#include "mlops/config/node.h"
#include "mlops/core/table.h"

namespace mlops {

enum class Severity { kError, kWarn };

struct ColumnRule {
  std::string column;
  std::optional<DType> dtype = std::nullopt;
  std::optional<bool> nullable = std::nullopt;
  std::optional<double> max_null_fraction = std::nullopt;
  std::optional<double> min = std::nullopt;
  std::optional<double> max = std::nullopt;
  std::vector<std::string> values = {};
  Severity severity = Severity::kError;
};

struct Contract {
  std::string name;  // file path, or "contracts.<stage>" for an inline contract
  std::optional<size_t> min_rows = std::nullopt;
  std::optional<size_t> max_rows = std::nullopt;
  std::vector<ColumnRule> columns = {};
  Severity rows_severity = Severity::kError;
};

/// Parses a contract from a map. Throws ConfigError naming origin and key for unknown keys
/// (with "did you mean"), unknown dtypes and wrong value types.
Contract parse_contract(const ConfigNode& node, std::string name);
/// A workflow's contract entry: an inline map, or a scalar path to a YAML file (relative to
/// the current directory). Throws ConfigError for a missing file.
Contract load_contract(const ConfigNode& entry, const std::string& stage);
/// Reads a contract YAML file.
Contract load_contract_file(const std::string& path);

}  // namespace mlops

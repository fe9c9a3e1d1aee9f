#pragma once
// The drift reference: a summary of a table that drift checks compare new data with (PSI over
// decile bins or top categories, KS over 101 ECDF points, mean and std), compact enough to save
// next to a model (train/profile.json, format "mlops.profile/1"; `mlops contract profile`
// prints one). Not the report's data profile (report/data_profile.h, ingest/profile.json),
// which shows a table to a person: equal-width histograms and top-10 counts.

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "mlops/core/table.h"

namespace mlops {

/// One column's reference distribution.
struct ColumnDriftReference {
  std::string name;
  DType type = DType::kFloat64;
  size_t rows = 0;
  size_t nulls = 0;
  // Numeric columns (int64, float64, timestamp): moments over non-null values,
  double mean = 0, stddev = 0, min = 0, max = 0;
  // bins for PSI: value x falls in bin upper_bound(edges, x), shares of non-null values
  // (edges: the minimum, the deciles, just above the maximum),
  std::vector<double> edges;
  std::vector<double> shares;
  // and the ECDF at up to 101 points: (x, share of non-null values <= x), x ascending.
  std::vector<std::pair<double, double>> cdf;
  // String and bool columns: share of non-null values of the top 50 values, the rest under
  // "__other__".
  std::map<std::string, double> categories;

  bool numeric() const { return type != DType::kString && type != DType::kBool; }
  double null_rate() const { return rows ? static_cast<double>(nulls) / rows : 0; }
};

/// A table's reference: what drift checks compare with.
struct DriftReference {
  size_t rows = 0;
  std::vector<ColumnDriftReference> columns;

  const ColumnDriftReference* find(std::string_view name) const;
  /// {"format": "mlops.profile/1", "rows": N, "columns": [...]}.
  nlohmann::json to_json() const;
  /// Throws DataError when the JSON is not a profile.
  static DriftReference from_json(const nlohmann::json& json);
};

/// The reference of `rows` of every column of `table` (every row when `rows` is nullopt).
DriftReference drift_reference_of_table(const Table& table,
                                        std::optional<std::span<const size_t>> rows = std::nullopt);
/// The reference of `rows` of the named columns only (e.g. the features of a feature table); a
/// name the table lacks is skipped.
DriftReference drift_reference_of_columns(const Table& table, const std::vector<std::string>& names,
                                          std::span<const size_t> rows);
/// The reference of one column over the given rows.
ColumnDriftReference column_drift_reference(const Column& column,
                                            std::optional<std::span<const size_t>> rows);
/// Writes the reference as JSON, atomically.
void save_drift_reference(const DriftReference& profile, const std::string& path);
/// Reads a reference JSON; throws IoError naming the path, DataError when it is not one.
DriftReference load_drift_reference(const std::string& path);

}  // namespace mlops

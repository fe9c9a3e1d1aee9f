#pragma once
// The data profile of a table for the run report: per column its type, nulls, and either
// moments with a histogram (numbers, timestamps) or its most frequent values (text, booleans).
// One or two linear passes per column, no sort and no copy, so 3M rows cost milliseconds.
// Written by ingest as ingest/profile.json ("mlops.data_profile/1"). Not the drift reference
// (contracts/drift_reference.h, train/profile.json), which keeps deciles and an ECDF for drift
// checks rather than what a person reads.

#include <nlohmann/json.hpp>

#include "mlops/core/table.h"

namespace mlops {

/// Bins of a numeric histogram,
inline constexpr size_t kProfileBins = 20;
/// except for integer columns spanning at most this many values (hours, days of the month,
/// small counts), which get one bin per value.
inline constexpr size_t kProfileValueBins = 32;
/// Most frequent values listed per text column; the rest are counted as "other".
inline constexpr size_t kProfileTopValues = 10;
/// Distinct values counted exactly per text column; beyond it, `distinct_capped` is true and
/// values first seen later are counted under "other" only.
inline constexpr size_t kProfileDistinctCap = 10'000;

/// One column: {"name", "type", "rows", "nulls"} and, for int64, float64 and timestamp
/// columns with a value, "min", "max", "mean", "std" and "histogram": {"edges" (bins + 1),
/// "counts"}; for string and bool columns "distinct", "distinct_capped", "top": [{"value",
/// "count"}] by descending count (ties by value) and "other".
nlohmann::json profile_data_column(const Column& column);
/// {"format": "mlops.data_profile/1", "rows": N, "columns": [one per column, in order]}.
nlohmann::json profile_data(const Table& table);

}  // namespace mlops

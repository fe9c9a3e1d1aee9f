#include "mlops/model/train/training_split.h"

#include <cmath>
#include <map>

#include "mlops/core/error.h"
#include "mlops/core/hash.h"
#include "mlops/core/suggest.h"
#include "mlops/core/time.h"
#include "mlops/core/value_parse.h"

namespace mlops {

namespace {

const Column& split_source(const Table& table, const SplitSpec& spec) {
  const Column* column = table.find(spec.column);
  if (!column) {
    throw ConfigError("train.split.column: no column '{}' in the ingested table{}", spec.column,
                      did_you_mean(spec.column, table.column_names()));
  }
  return *column;
}

SplitIndices time_split(const Table& table, const std::vector<size_t>& labeled,
                        const SplitSpec& spec) {
  const Column* time = &split_source(table, spec);
  // An integer column (a year such as 1970..1982) holds whole periods: the range is of its
  // values, and holdout_from is one of them.
  const bool periods = time->type() == DType::kInt64;
  if (time->type() != DType::kTimestamp && !periods) {
    throw ConfigError(
        "train.split.column: column '{}' is {}, a time split needs a timestamp or an integer "
        "period such as a year",
        spec.column, dtype_name(time->type()));
  }
  int64_t cutoff = 0;  // holdout: value >= cutoff (micros, or periods)
  if (!spec.holdout_from.empty()) {
    auto from = periods ? parse_int64(spec.holdout_from) : parse_timestamp(spec.holdout_from);
    if (!from && periods) {
      throw ConfigError(
          "train.split.holdout_from: '{}' is not an integer (column '{}' holds integer periods "
          "such as years)",
          spec.holdout_from, spec.column);
    }
    if (!from) {
      throw ConfigError("train.split.holdout_from: '{}' is not a timestamp (YYYY-MM-DD[ HH:MM:SS])",
                        spec.holdout_from);
    }
    cutoff = *from;
  } else if (periods) {
    int64_t first = INT64_MAX, last = INT64_MIN;
    for (size_t row : labeled) {
      if (time->is_null(row)) continue;
      first = std::min(first, time->int_at(row));
      last = std::max(last, time->int_at(row));
    }
    if (first > last) throw ConfigError("train.split.column: '{}' has no values", spec.column);
    // Whole periods, as whole days for timestamps: the last `holdout` of the period range.
    const double count = static_cast<double>(last - first) + 1;
    cutoff = first + static_cast<int64_t>(std::floor(count * (1 - spec.holdout) + 1e-9));
  } else {
    // floor_day is monotonic: the day range is that of the earliest and latest instants.
    int64_t earliest = INT64_MAX, latest = INT64_MIN;
    bool any = false;
    for (size_t row : labeled) {
      if (time->is_null(row)) continue;
      const int64_t micros = time->int_at(row);
      earliest = std::min(earliest, micros);
      latest = std::max(latest, micros);
      any = true;
    }
    if (!any) throw ConfigError("train.split.column: '{}' has no values", spec.column);
    const int64_t first = floor_day(earliest), last = floor_day(latest);
    // Whole days, like the peer's day-of-year rule: the last `holdout` of the day range.
    const double days = static_cast<double>(last - first + 1);
    const int64_t cutoff_day =
        first + static_cast<int64_t>(std::floor(days * (1 - spec.holdout) + 1e-9));
    cutoff = cutoff_day * kMicrosPerDay;
  }
  SplitIndices split;
  split.train.reserve(labeled.size());
  for (size_t row : labeled) {
    if (time->is_null(row)) continue;  // no time, no side
    (time->int_at(row) >= cutoff ? split.holdout : split.train).push_back(row);
  }
  if (split.train.empty() || split.holdout.empty()) {
    throw ConfigError("train.split: the time split on '{}' leaves {} training and {} holdout rows",
                      spec.column, split.train.size(), split.holdout.size());
  }
  return split;
}

SplitIndices group_split_of(const Table& table, const std::vector<size_t>& labeled,
                            const SplitSpec& spec) {
  const std::vector<uint64_t> all = split_groups(table, spec);
  std::vector<uint64_t> groups;
  groups.reserve(labeled.size());
  for (size_t row : labeled) groups.push_back(all[row]);
  const SplitIndices local = group_split(groups, spec.holdout, spec.seed);
  SplitIndices split;
  for (size_t i : local.train) split.train.push_back(labeled[i]);
  for (size_t i : local.holdout) split.holdout.push_back(labeled[i]);
  return split;
}

}  // namespace

std::vector<uint64_t> split_groups(const Table& table, const SplitSpec& spec) {
  const Column& column = split_source(table, spec);
  // A null is not any text value: a key no formatted value can produce.
  const uint64_t null_group = hash64(std::string_view("\0null", 5));
  std::vector<uint64_t> groups(column.size());
  for (size_t row = 0; row < column.size(); ++row) {
    groups[row] = column.is_null(row) ? null_group : hash64(column.format_value(row));
  }
  return groups;
}

SplitIndices training_split(const Table& table, const Column& label, bool categorical,
                            const SplitSpec& spec) {
  std::vector<size_t> labeled;
  labeled.reserve(label.size());
  for (size_t row = 0; row < label.size(); ++row) {
    if (!label.is_null(row)) labeled.push_back(row);
  }
  if (spec.type == "time") return time_split(table, labeled, spec);
  if (spec.type == "group") return group_split_of(table, labeled, spec);
  std::vector<int> strata;
  if (categorical && spec.stratify) {
    std::map<std::string, int> ids;
    for (size_t row : labeled) ids.emplace(label.format_value(row), 0);
    int next = 0;
    for (auto& [value, id] : ids) id = next++;
    for (size_t row : labeled) strata.push_back(ids[label.format_value(row)]);
  }
  SplitIndices local = strata.empty() ? random_split(labeled.size(), spec.holdout, spec.seed)
                                      : random_split(labeled.size(), spec.holdout, spec.seed,
                                                     std::span<const int>(strata));
  SplitIndices split;
  for (size_t i : local.train) split.train.push_back(labeled[i]);
  for (size_t i : local.holdout) split.holdout.push_back(labeled[i]);
  return split;
}

Column split_column(const SplitIndices& split, size_t rows) {
  std::vector<int8_t> side(rows, -1);
  for (size_t row : split.train) side[row] = 0;
  for (size_t row : split.holdout) side[row] = 1;
  Column column(kSplitColumn, DType::kInt64);
  column.reserve(rows);
  for (int8_t value : side) {
    if (value < 0) {
      column.push_null();
    } else {
      column.push_int(value);
    }
  }
  return column;
}

SplitIndices split_from_column(const Column& column) {
  SplitIndices split;
  size_t holdout = 0;  // sized exactly: the training side alone holds millions of indices
  for (size_t row = 0; row < column.size(); ++row) {
    holdout += !column.is_null(row) && column.int_at(row) != 0;
  }
  split.holdout.reserve(holdout);
  split.train.reserve(column.size() - column.null_count() - holdout);
  for (size_t row = 0; row < column.size(); ++row) {
    if (column.is_null(row)) continue;
    (column.int_at(row) == 0 ? split.train : split.holdout).push_back(row);
  }
  return split;
}

Column group_column(const std::vector<uint64_t>& groups) {
  Column column(kGroupColumn, DType::kInt64);
  column.reserve(groups.size());
  for (uint64_t group : groups) column.push_int(static_cast<int64_t>(group));
  return column;
}

std::vector<uint64_t> groups_from_column(const Column& column) {
  std::vector<uint64_t> groups(column.size());
  for (size_t row = 0; row < column.size(); ++row) {
    groups[row] = static_cast<uint64_t>(column.int_at(row));
  }
  return groups;
}

}  // namespace mlops

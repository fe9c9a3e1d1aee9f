#include "mlops/contracts/drift_reference.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "mlops/core/error.h"
#include "mlops/core/numeric_values.h"
#include "mlops/core/parallel.h"
#include "mlops/io/file.h"

namespace mlops {

namespace {

constexpr size_t kCdfPoints = 101;
constexpr size_t kBins = 10;
constexpr size_t kTopCategories = 50;
constexpr size_t kSample = 200'000;  // values the quantile points are chosen from

/// The value at fraction q of sorted values (nearest rank).
double at_fraction(const std::vector<double>& sorted, double q) {
  const size_t index =
      static_cast<size_t>(std::llround(q * static_cast<double>(sorted.size() - 1)));
  return sorted[index];
}

void profile_numbers(ColumnDriftReference& profile, const std::vector<double>& values) {
  if (values.empty()) return;
  double sum = 0;
  profile.min = values[0];
  profile.max = values[0];
  for (double v : values) {
    sum += v;
    profile.min = std::min(profile.min, v);
    profile.max = std::max(profile.max, v);
  }
  profile.mean = sum / static_cast<double>(values.size());
  double squares = 0;
  for (double v : values) squares += (v - profile.mean) * (v - profile.mean);
  profile.stddev = std::sqrt(squares / static_cast<double>(values.size()));

  // Points from an evenly strided sample; counts below them from every value.
  std::vector<double> sample;
  const size_t stride = std::max<size_t>(1, values.size() / kSample);
  for (size_t i = 0; i < values.size(); i += stride) sample.push_back(values[i]);
  std::sort(sample.begin(), sample.end());
  std::vector<double> points;
  for (size_t i = 0; i < kCdfPoints; ++i) {
    const double x = at_fraction(sample, static_cast<double>(i) / (kCdfPoints - 1));
    if (points.empty() || x > points.back()) points.push_back(x);
  }
  // Bins: below the minimum, the deciles, above the maximum. Values outside the training range
  // land in bins the reference never filled, so PSI sees them even for a constant column.
  profile.edges.push_back(profile.min);
  for (size_t i = 1; i < kBins; ++i) {
    const double x = at_fraction(sample, static_cast<double>(i) / kBins);
    if (x > profile.edges.back()) profile.edges.push_back(x);
  }
  profile.edges.push_back(std::nextafter(profile.max, INFINITY));
  std::vector<size_t> at_or_below(points.size(), 0), bins(profile.edges.size() + 1, 0);
  // Features take few distinct values (hours, codes, distances): each value's point and bin
  // are searched once (ValueMemo; 2.5M training rows x 8 features: the two binary searches per
  // value were most of the profile's time).
  ValueMemo<std::pair<uint32_t, uint32_t>> places;
  for (double v : values) {
    const auto [point, bin] = places.get(v, [&](double x) {
      return std::pair{
          static_cast<uint32_t>(std::lower_bound(points.begin(), points.end(), x) - points.begin()),
          static_cast<uint32_t>(std::upper_bound(profile.edges.begin(), profile.edges.end(), x) -
                                profile.edges.begin())};
    });
    if (point < points.size()) ++at_or_below[point];
    ++bins[bin];
  }
  const double n = static_cast<double>(values.size());
  size_t cumulative = 0;
  for (size_t i = 0; i < points.size(); ++i) {
    cumulative += at_or_below[i];
    profile.cdf.emplace_back(points[i], static_cast<double>(cumulative) / n);
  }
  for (size_t count : bins) profile.shares.push_back(static_cast<double>(count) / n);
}

void profile_categories(ColumnDriftReference& profile, const Column& column,
                        std::span<const size_t> rows) {
  std::map<std::string, size_t> counts;
  size_t total = 0;
  for (size_t row : rows) {
    if (column.is_null(row)) continue;
    ++counts[column.format_value(row)];
    ++total;
  }
  std::vector<std::pair<std::string, size_t>> sorted(counts.begin(), counts.end());
  std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  });
  size_t other = 0;
  for (size_t i = 0; i < sorted.size(); ++i) {
    if (i < kTopCategories) {
      profile.categories[sorted[i].first] = static_cast<double>(sorted[i].second) / total;
    } else {
      other += sorted[i].second;
    }
  }
  if (other) profile.categories["__other__"] = static_cast<double>(other) / total;
}

/// The profiles of `columns` over `rows`, in order. Each is a pass over every row, independent
/// of the others, so two threads share them.
std::vector<ColumnDriftReference> profile_each(const std::vector<const Column*>& columns,
                                               std::optional<std::span<const size_t>> rows) {
  std::vector<ColumnDriftReference> profiles(columns.size());
  for_each_on_two_threads(
      columns.size(), [&](size_t i) { profiles[i] = column_drift_reference(*columns[i], rows); });
  return profiles;
}

}  // namespace

ColumnDriftReference column_drift_reference(const Column& column,
                                            std::optional<std::span<const size_t>> rows) {
  ColumnDriftReference profile;
  profile.name = column.name();
  profile.type = column.type();
  std::vector<size_t> all;
  if (!rows) {
    all.resize(column.size());
    for (size_t i = 0; i < all.size(); ++i) all[i] = i;
  }
  const std::span<const size_t> selected = rows ? *rows : std::span<const size_t>(all);
  profile.rows = selected.size();
  for (size_t row : selected) profile.nulls += column.is_null(row);
  if (profile.numeric()) {
    std::vector<double> values;
    values.reserve(selected.size() - profile.nulls);
    visit_numeric(column, [&](auto typed) {
      for (size_t row : selected) {
        if (!column.is_null(row)) values.push_back(static_cast<double>(typed[row]));
      }
    });
    profile_numbers(profile, values);
  } else {
    profile_categories(profile, column, selected);
  }
  return profile;
}

DriftReference drift_reference_of_table(const Table& table,
                                        std::optional<std::span<const size_t>> rows) {
  DriftReference profile;
  profile.rows = rows ? rows->size() : table.num_rows();
  std::vector<const Column*> columns;
  for (const auto& column : table.columns()) columns.push_back(&column);
  profile.columns = profile_each(columns, rows);
  return profile;
}

DriftReference drift_reference_of_columns(const Table& table, const std::vector<std::string>& names,
                                          std::span<const size_t> rows) {
  DriftReference profile;
  profile.rows = rows.size();
  std::vector<const Column*> columns;
  for (const auto& name : names) {
    if (const Column* column = table.find(name)) columns.push_back(column);
  }
  profile.columns = profile_each(columns, rows);
  return profile;
}

const ColumnDriftReference* DriftReference::find(std::string_view name) const {
  for (const auto& column : columns) {
    if (column.name == name) return &column;
  }
  return nullptr;
}

nlohmann::json DriftReference::to_json() const {
  nlohmann::json columns_json = nlohmann::json::array();
  for (const auto& c : columns) {
    nlohmann::json entry{
        {"name", c.name}, {"dtype", dtype_name(c.type)}, {"rows", c.rows}, {"nulls", c.nulls}};
    if (c.numeric()) {
      entry["mean"] = c.mean;
      entry["std"] = c.stddev;
      entry["min"] = c.min;
      entry["max"] = c.max;
      entry["edges"] = c.edges;
      entry["shares"] = c.shares;
      entry["cdf"] = c.cdf;
    } else {
      entry["categories"] = c.categories;
    }
    columns_json.push_back(std::move(entry));
  }
  return {{"format", "mlops.profile/1"}, {"rows", rows}, {"columns", columns_json}};
}

DriftReference DriftReference::from_json(const nlohmann::json& json) {
  if (!json.is_object() || json.value("format", "") != "mlops.profile/1") {
    throw DataError("not a profile (expected \"format\": \"mlops.profile/1\")");
  }
  DriftReference profile;
  try {
    profile.rows = json.at("rows").get<size_t>();
    for (const auto& entry : json.at("columns")) {
      ColumnDriftReference c;
      c.name = entry.at("name").get<std::string>();
      c.type = parse_dtype(entry.at("dtype").get<std::string>()).value_or(DType::kFloat64);
      c.rows = entry.at("rows").get<size_t>();
      c.nulls = entry.at("nulls").get<size_t>();
      if (c.numeric()) {
        if (entry.contains("mean")) {  // absent when every value was null
          c.mean = entry.at("mean").get<double>();
          c.stddev = entry.at("std").get<double>();
          c.min = entry.at("min").get<double>();
          c.max = entry.at("max").get<double>();
        }
        c.edges = entry.value("edges", std::vector<double>{});
        c.shares = entry.value("shares", std::vector<double>{});
        c.cdf = entry.value("cdf", std::vector<std::pair<double, double>>{});
      } else {
        c.categories = entry.value("categories", std::map<std::string, double>{});
      }
      profile.columns.push_back(std::move(c));
    }
  } catch (const nlohmann::json::exception& e) {
    throw DataError("not a profile: {}", e.what());
  }
  return profile;
}

void save_drift_reference(const DriftReference& profile, const std::string& path) {
  write_file_atomic(path, profile.to_json().dump() + "\n");
}

DriftReference load_drift_reference(const std::string& path) {
  try {
    return DriftReference::from_json(nlohmann::json::parse(read_file(path)));
  } catch (const nlohmann::json::exception& e) {
    throw DataError("{}: not a profile: {}", path, e.what());
  } catch (const DataError& e) {
    throw DataError("{}: {}", path, e.what());
  }
}

}  // namespace mlops

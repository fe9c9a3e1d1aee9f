#include "mlops/contracts/drift.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "mlops/contracts/check_context.h"
#include "mlops/core/numeric_values.h"
#include "mlops/core/parallel.h"

namespace mlops {

namespace {

constexpr double kFloor = 1e-4;

double psi_term(double current, double reference) {
  current = std::max(current, kFloor);
  reference = std::max(reference, kFloor);
  return (current - reference) * std::log(current / reference);
}

double ratio(double a, double b) {
  if (a == b) return 1;
  if (a == 0 || b == 0) return INFINITY;
  return std::max(a / b, b / a);
}

DriftThresholds thresholds_for(const DriftRule& rule, const std::string& column) {
  DriftThresholds t = rule.thresholds;
  auto it = rule.overrides.find(column);
  if (it == rule.overrides.end()) return t;
  const DriftThresholds& o = it->second;
  if (o.psi) t.psi = o.psi;
  if (o.ks) t.ks = o.ks;
  if (o.null_rate_change) t.null_rate_change = o.null_rate_change;
  if (o.mean_shift) t.mean_shift = o.mean_shift;
  if (o.std_ratio) t.std_ratio = o.std_ratio;
  return t;
}

}  // namespace

DriftAccumulator::DriftAccumulator(DriftRule rule, DriftReference reference)
    : rule_(std::move(rule)), reference_(std::move(reference)) {}

void DriftAccumulator::add(const Table& batch) {
  rows_ += batch.num_rows();
  if (!started_) {
    started_ = true;
    std::vector<std::string> names = rule_.columns;
    if (names.empty()) {
      for (const auto& profiled : reference_.columns) {
        if (profiled.type != DType::kTimestamp && batch.find(profiled.name)) {
          names.push_back(profiled.name);
        }
      }
    }
    for (const auto& name : names) {
      ColumnState state;
      state.name = name;
      state.profile = reference_.find(name);
      if (state.profile) {
        state.bins.assign(state.profile->edges.size() + 1, 0);
        state.at_or_below.assign(state.profile->cdf.size(), 0);
      }
      columns_.push_back(std::move(state));
    }
  }
  std::vector<std::pair<ColumnState*, const Column*>> work;
  for (auto& state : columns_) {
    const Column* column = batch.find(state.name);
    if (!column) {
      state.present = false;
      continue;
    }
    if (state.profile) work.emplace_back(&state, column);
  }
  // Columns are independent (each state is its own): two threads share them, as in the
  // profiles; a batch too small to pay for a thread stays on this one.
  auto add = [&](size_t i) { add_column(*work[i].first, *work[i].second); };
  if (batch.num_rows() < 16'384) {
    for (size_t i = 0; i < work.size(); ++i) add(i);
  } else {
    for_each_on_two_threads(work.size(), add);
  }
}

void DriftAccumulator::add_column(ColumnState& state, const Column& column) const {
  const ColumnDriftReference& profile = *state.profile;
  state.rows += column.size();
  state.nulls += column.null_count();
  if (profile.numeric() && column.is_numeric()) {
    // Most features take few distinct values (hours, months, category codes): each value's
    // bin and ECDF point are searched once (ValueMemo).
    ValueMemo<std::pair<uint32_t, uint32_t>> places(10);
    // Summed in locals (same order, same bits): through `state` each row would store and
    // reload them.
    double shifted_sum = state.shifted_sum, shifted_squares = state.shifted_squares;
    visit_numeric(column, [&](auto values) {
      for (size_t row = 0; row < column.size(); ++row) {
        if (column.is_null(row)) continue;
        const double x = static_cast<double>(values[row]);
        const auto [bin, point] = places.get(x, [&](double v) {
          return std::pair{
              static_cast<uint32_t>(
                  std::upper_bound(profile.edges.begin(), profile.edges.end(), v) -
                  profile.edges.begin()),
              static_cast<uint32_t>(
                  std::lower_bound(profile.cdf.begin(), profile.cdf.end(), v,
                                   [](const auto& p, double w) { return p.first < w; }) -
                  profile.cdf.begin())};
        });
        ++state.bins[bin];
        if (point < profile.cdf.size()) ++state.at_or_below[point];
        const double shifted = x - profile.mean;
        shifted_sum += shifted;
        shifted_squares += shifted * shifted;
      }
    });
    state.shifted_sum = shifted_sum;
    state.shifted_squares = shifted_squares;
    return;
  }
  for (size_t row = 0; row < column.size(); ++row) {
    if (column.is_null(row)) continue;
    std::string value = column.format_value(row);
    ++state.categories[profile.categories.count(value) ? value : "__other__"];
  }
}

double DriftAccumulator::psi_of(const ColumnState& state) {
  const ColumnDriftReference& profile = *state.profile;
  const bool numeric = profile.numeric() && state.categories.empty();
  const size_t values = state.rows - state.nulls;
  double psi = 0;
  if (values && numeric) {
    for (size_t i = 0; i < state.bins.size() && i < profile.shares.size(); ++i) {
      psi += psi_term(static_cast<double>(state.bins[i]) / values, profile.shares[i]);
    }
  } else if (values) {
    for (const auto& [value, share] : profile.categories) {
      auto it = state.categories.find(value);
      psi += psi_term(it == state.categories.end() ? 0 : static_cast<double>(it->second) / values,
                      share);
    }
    auto other = state.categories.find("__other__");
    if (!profile.categories.count("__other__") && other != state.categories.end()) {
      psi += psi_term(static_cast<double>(other->second) / values, 0);
    }
  }
  return psi;
}

std::vector<DriftAccumulator::ColumnDrift> DriftAccumulator::summary() const {
  std::vector<ColumnDrift> out;
  for (const auto& state : columns_) {
    ColumnDrift drift{.column = state.name};
    if (state.profile && state.present) {
      drift.compared = true;
      drift.psi = psi_of(state);
      drift.null_rate = state.rows ? static_cast<double>(state.nulls) / state.rows : 0;
      drift.reference_null_rate = state.profile->null_rate();
    }
    out.push_back(drift);
  }
  return out;
}

std::vector<CheckResult> DriftAccumulator::checks() const {
  std::vector<CheckResult> out;
  if (insufficient_data()) {
    CheckResult result = contracts_detail::make_check("drift_min_rows", "", rule_.severity,
                                                      fmt::format(">= {} rows", rule_.min_rows));
    result.observed =
        fmt::format("{} rows: too few to measure drift (drift.min_rows); not checked", rows_);
    result.passed = true;
    out.push_back(std::move(result));
    return out;
  }
  auto add = [&](const std::string& check, const std::string& column, double limit, double value,
                 const std::string& detail) {
    CheckResult result =
        contracts_detail::make_check(check, column, rule_.severity, fmt::format("<= {:g}", limit));
    result.observed = fmt::format("{:.4f}{}", value, detail);
    result.passed = value <= limit;
    out.push_back(std::move(result));
  };
  for (const auto& state : columns_) {
    if (!state.profile || !state.present) {
      CheckResult result = contracts_detail::make_check("drift", state.name, rule_.severity,
                                                        "column profiled and present");
      result.observed = !state.profile ? "not in the reference profile" : "missing from the data";
      result.passed = false;
      out.push_back(std::move(result));
      continue;
    }
    const ColumnDriftReference& profile = *state.profile;
    const DriftThresholds t = thresholds_for(rule_, state.name);
    const bool numeric = profile.numeric() && state.categories.empty();
    const size_t values = state.rows - state.nulls;
    if (t.psi) add("drift_psi", state.name, *t.psi, psi_of(state), "");
    if (t.ks && numeric) {
      double gap = 0;
      size_t cumulative = 0;
      for (size_t i = 0; values && i < profile.cdf.size(); ++i) {
        cumulative += state.at_or_below[i];
        gap = std::max(gap,
                       std::fabs(static_cast<double>(cumulative) / values - profile.cdf[i].second));
      }
      add("drift_ks", state.name, *t.ks, gap, "");
    }
    if (t.null_rate_change) {
      const double rate = state.rows ? static_cast<double>(state.nulls) / state.rows : 0;
      add("null_rate_change", state.name, *t.null_rate_change,
          std::fabs(rate - profile.null_rate()),
          fmt::format(" (null rate {:.4f}, reference {:.4f})", rate, profile.null_rate()));
    }
    if ((t.mean_shift || t.std_ratio) && numeric && values) {
      const double n = static_cast<double>(values);
      const double shift_mean = state.shifted_sum / n;
      const double mean = profile.mean + shift_mean;
      const double stddev =
          std::sqrt(std::max(0.0, state.shifted_squares / n - shift_mean * shift_mean));
      if (t.mean_shift) {
        const double shift = profile.stddev > 0 ? std::fabs(shift_mean) / profile.stddev
                             : shift_mean == 0  ? 0
                                                : INFINITY;
        add("mean_shift", state.name, *t.mean_shift, shift,
            fmt::format(" reference stds (mean {:.6g}, reference {:.6g})", mean, profile.mean));
      }
      if (t.std_ratio) {
        add("std_ratio", state.name, *t.std_ratio, ratio(stddev, profile.stddev),
            fmt::format(" (std {:.6g}, reference {:.6g})", stddev, profile.stddev));
      }
    }
  }
  return out;
}

namespace contracts_detail {

void check_drift(CheckContext& context, const DriftRule& rule, const DriftReference& reference) {
  DriftAccumulator accumulator(rule, reference);
  accumulator.add(context.table);
  for (auto& check : accumulator.checks()) context.report.checks.push_back(std::move(check));
}

}  // namespace contracts_detail

}  // namespace mlops

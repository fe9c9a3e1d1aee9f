#include "mlops/model/train/row_split.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "mlops/core/error.h"
#include "mlops/model/train/splitmix.h"

namespace mlops {

namespace {

// Shuffles `rows` (Fisher-Yates); the first round(fraction * size), returned, are held out.
size_t shuffle_for_split(std::vector<size_t>& rows, double fraction, SplitMix64& rng) {
  for (size_t i = rows.size(); i > 1; --i) std::swap(rows[i - 1], rows[rng.below(i)]);
  return static_cast<size_t>(std::llround(fraction * static_cast<double>(rows.size())));
}

std::vector<size_t> all_rows(size_t rows) {
  std::vector<size_t> all(rows);
  for (size_t row = 0; row < rows; ++row) all[row] = row;
  return all;
}

// Moves the first round(fraction * size) of the shuffled `rows` into holdout, the rest into
// train.
void split_group(std::vector<size_t> rows, double fraction, SplitMix64& rng, SplitIndices& out) {
  const size_t held = shuffle_for_split(rows, fraction, rng);
  out.holdout.insert(out.holdout.end(), rows.begin(), rows.begin() + held);
  out.train.insert(out.train.end(), rows.begin() + held, rows.end());
}

void check_fraction(double holdout_fraction, std::string_view key) {
  if (!(holdout_fraction > 0.0 && holdout_fraction < 1.0)) {
    throw ConfigError("{}: {} is not a fraction between 0 and 1 (exclusive)", key,
                      holdout_fraction);
  }
}

}  // namespace

SplitIndices random_split(size_t rows, double holdout_fraction, uint64_t seed,
                          std::optional<std::span<const int>> strata, std::string_view key) {
  check_fraction(holdout_fraction, key);
  if (strata && strata->size() != rows) {
    throw InternalError("random_split: {} strata for {} rows", strata->size(), rows);
  }
  SplitMix64 rng(seed);
  SplitIndices out;
  if (strata) {
    // Groups in ascending class order so the random stream is consumed the same way each run.
    std::map<int, std::vector<size_t>> groups;
    for (size_t row = 0; row < rows; ++row) groups[(*strata)[row]].push_back(row);
    for (auto& [klass, members] : groups)
      split_group(std::move(members), holdout_fraction, rng, out);
  } else {
    split_group(all_rows(rows), holdout_fraction, rng, out);
  }
  if (out.holdout.empty()) {
    throw ConfigError("{}: {} of {} rows holds out no rows", key, holdout_fraction, rows);
  }
  if (out.train.empty()) {
    throw ConfigError("{}: {} of {} rows leaves no rows to train on", key, holdout_fraction, rows);
  }
  std::sort(out.train.begin(), out.train.end());
  std::sort(out.holdout.begin(), out.holdout.end());
  return out;
}

std::vector<size_t> random_sample(size_t rows, double fraction, uint64_t seed,
                                  std::string_view key) {
  check_fraction(fraction, key);
  SplitMix64 rng(seed);
  std::vector<size_t> shuffled = all_rows(rows);
  const size_t held = shuffle_for_split(shuffled, fraction, rng);
  if (held == 0) throw ConfigError("{}: {} of {} rows samples no rows", key, fraction, rows);
  std::vector<size_t> sample(shuffled.begin(),
                             shuffled.begin() + static_cast<std::ptrdiff_t>(held));
  std::sort(sample.begin(), sample.end());
  return sample;
}

SplitIndices group_split(std::span<const uint64_t> groups, double holdout_fraction, uint64_t seed,
                         std::string_view key) {
  check_fraction(holdout_fraction, key);
  SplitIndices out;
  // The side depends on the group alone, so every row of an entity lands on the same side.
  const uint64_t salt = mix64(seed ^ 0x6a09e667f3bcc908ULL);
  for (size_t row = 0; row < groups.size(); ++row) {
    const bool held = unit_interval(mix64(groups[row] ^ salt)) < holdout_fraction;
    (held ? out.holdout : out.train).push_back(row);
  }
  if (out.holdout.empty() || out.train.empty()) {
    throw ConfigError("{}: {} of the groups leaves {} rows on one side and {} on the other", key,
                      holdout_fraction, out.train.size(), out.holdout.size());
  }
  return out;
}

}  // namespace mlops

#include "mlops/model/split.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "mlops/core/error.h"

namespace mlops {

namespace {

// splitmix64 (Steele, Lea, Flood 2014): tiny, well mixed, and the same on every platform.
class SplitMix64 {
 public:
  explicit SplitMix64(uint64_t seed) : state_(seed) {}
  uint64_t next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  /// Uniform in [0, bound); the modulo bias (< bound / 2^64) is irrelevant for row counts.
  size_t below(size_t bound) { return static_cast<size_t>(next() % bound); }

 private:
  uint64_t state_;
};

// Shuffles `rows` (Fisher-Yates) and moves the first round(fraction * size) into holdout, the
// rest into train.
void split_group(std::vector<size_t> rows, double fraction, SplitMix64& rng, SplitIndices& out) {
  for (size_t i = rows.size(); i > 1; --i) std::swap(rows[i - 1], rows[rng.below(i)]);
  auto held = static_cast<size_t>(std::llround(fraction * static_cast<double>(rows.size())));
  out.holdout.insert(out.holdout.end(), rows.begin(), rows.begin() + held);
  out.train.insert(out.train.end(), rows.begin() + held, rows.end());
}

}  // namespace

SplitIndices random_split(size_t rows, double holdout_fraction, uint64_t seed,
                          std::optional<std::span<const int>> strata) {
  if (!(holdout_fraction > 0.0 && holdout_fraction < 1.0)) {
    throw ConfigError("train.split.holdout: {} is not a fraction between 0 and 1 (exclusive)",
                      holdout_fraction);
  }
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
    std::vector<size_t> all(rows);
    for (size_t row = 0; row < rows; ++row) all[row] = row;
    split_group(std::move(all), holdout_fraction, rng, out);
  }
  if (out.holdout.empty()) {
    throw ConfigError("train.split.holdout: {} of {} rows holds out no rows", holdout_fraction,
                      rows);
  }
  if (out.train.empty()) {
    throw ConfigError("train.split.holdout: {} of {} rows leaves no rows to train on",
                      holdout_fraction, rows);
  }
  std::sort(out.train.begin(), out.train.end());
  std::sort(out.holdout.begin(), out.holdout.end());
  return out;
}

}  // namespace mlops

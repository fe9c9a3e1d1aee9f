#pragma once
// Seeded train/holdout splits. The same n, fraction, seed (and strata) always give the same
// split, on every platform (own PRNG: splitmix64, no std::uniform_*_distribution).

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace mlops {

struct SplitIndices {
  std::vector<size_t> train;    // ascending
  std::vector<size_t> holdout;  // ascending
};

/// Holds out round(fraction * n) rows at random; with `strata` (one class id per row) it holds
/// out round(fraction * count) of each class so both sides keep the class mix. Throws
/// ConfigError when fraction is not in (0, 1) or either side would be empty.
SplitIndices random_split(size_t rows, double holdout_fraction, uint64_t seed,
                          std::optional<std::span<const int>> strata = std::nullopt);

}  // namespace mlops

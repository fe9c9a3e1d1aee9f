#pragma once
// Seeded train/holdout splits. The same n, fraction, seed (and strata) always give the same
// split, on every platform (own PRNG: splitmix64, no std::uniform_*_distribution).

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace mlops {

struct SplitIndices {
  std::vector<size_t> train;    // ascending
  std::vector<size_t> holdout;  // ascending
};

/// Holds out round(fraction * n) rows at random; with `strata` (one class id per row) it holds
/// out round(fraction * count) of each class so both sides keep the class mix. Throws
/// ConfigError naming `key` when fraction is not in (0, 1) or either side would be empty.
SplitIndices random_split(size_t rows, double holdout_fraction, uint64_t seed,
                          std::optional<std::span<const int>> strata = std::nullopt,
                          std::string_view key = "train.split.holdout");

/// The holdout side of random_split(rows, fraction, seed) without strata, alone: the same
/// rows, without building and sorting the training side (a small sample of a large table).
/// Throws ConfigError naming `key` when fraction is not in (0, 1) or the sample is empty.
std::vector<size_t> random_sample(size_t rows, double fraction, uint64_t seed,
                                  std::string_view key);

/// Group split: each row carries its group's hash (e.g. of a customer id), and the seeded hash
/// alone decides the side, so no group is on both sides. About `fraction` of the groups are held
/// out (not of the rows). Throws ConfigError naming `key` when fraction is not in (0, 1) or a
/// side is empty.
SplitIndices group_split(std::span<const uint64_t> groups, double holdout_fraction, uint64_t seed,
                         std::string_view key = "train.split.holdout");

}  // namespace mlops

#pragma once
// The one PRNG of splits and samples: splitmix64 (Steele, Lea, Flood 2014). Tiny, well mixed,
// and the same on every platform (no std::uniform_*_distribution).

#include <cstddef>
#include <cstdint>

namespace mlops {

/// splitmix64's output function: a bijective mix of 64 bits.
inline uint64_t mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

/// Uniform in [0, 1) from the top 53 bits of `bits`.
inline double unit_interval(uint64_t bits) {
  return static_cast<double>(bits >> 11) * 0x1.0p-53;
}

class SplitMix64 {
 public:
  explicit SplitMix64(uint64_t seed) : state_(seed) {}
  uint64_t next() { return mix64(state_ += 0x9e3779b97f4a7c15ULL); }
  /// Uniform in [0, bound); the modulo bias (< bound / 2^64) is irrelevant for row counts.
  size_t below(size_t bound) { return static_cast<size_t>(next() % bound); }

 private:
  uint64_t state_;
};

}  // namespace mlops

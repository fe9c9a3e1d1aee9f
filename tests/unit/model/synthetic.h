#pragma once
// Small deterministic data sets for training tests: feature x0 carries the signal, x1 is noise.

#include <cmath>
#include <cstdint>
#include <vector>

#include "mlops/model/xgb/matrix.h"

namespace mlops::testing {

struct Synthetic {
  FeatureMatrix features;
  std::vector<float> labels;
};

/// Uniform floats in [0, 1) from a fixed LCG, so the data never depends on the platform.
class Uniform {
 public:
  explicit Uniform(uint64_t seed) : state_(seed) {}
  float next() {
    state_ = state_ * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<float>(state_ >> 40) / static_cast<float>(1 << 24);
  }

 private:
  uint64_t state_;
};

enum class Shape { kBinary, kThreeClasses, kRegression, kBand };

inline Synthetic make_synthetic(Shape shape, size_t rows = 300) {
  Uniform uniform(2024);
  Synthetic data;
  data.features.names = {"signal", "noise"};
  data.features.rows = rows;
  for (size_t row = 0; row < rows; ++row) {
    float signal = uniform.next();
    float noise = uniform.next();
    data.features.values.push_back(signal);
    data.features.values.push_back(noise);
    switch (shape) {
      // Binary is imbalanced (about 35% positives) so the majority baseline is not 50%.
      case Shape::kBinary: data.labels.push_back(signal > 0.65f ? 1.0f : 0.0f); break;
      case Shape::kThreeClasses:
        data.labels.push_back(signal < 0.3f ? 0.0f : signal < 0.6f ? 1.0f : 2.0f);
        break;
      case Shape::kRegression: data.labels.push_back(10.0f * signal + 0.5f * (noise - 0.5f)); break;
      // Positive inside a band of the signal: no linear model separates it, trees do.
      case Shape::kBand:
        data.labels.push_back(std::fabs(signal - 0.5f) < 0.2f ? 1.0f : 0.0f);
        break;
    }
  }
  return data;
}

}  // namespace mlops::testing

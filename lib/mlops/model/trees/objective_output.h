#pragma once
// What an XGBoost objective does around the sum of a model's trees, as XGBoost 1.7 computes it
// in float: where the sum starts (base_score through the inverse link, ProbToMargin) and how
// margins become predictions (PredTransform: sigmoid, softmax with its exponentials summed in
// double, exp, or nothing). Compiled scorers use it to give XGBoost's values to the bit.

#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string_view>

namespace mlops {

class ObjectiveOutput {
 public:
  /// The objective's output, or nullopt for one this does not reproduce (survival, ranking).
  static std::optional<ObjectiveOutput> of(std::string_view objective, float base_score);
  /// The same from a saved model's `learner` (its objective and base_score). Throws
  /// nlohmann::json and std::logic_error exceptions for a malformed learner.
  static std::optional<ObjectiveOutput> of_learner(const nlohmann::json& learner);

  /// Every row's margin before the first tree.
  float base_margin() const { return base_margin_; }
  /// Margins (rows x width, row-major) to predictions in place, Booster::predict's values.
  void transform(std::span<float> margins, size_t width) const;

 private:
  enum class Transform { kIdentity, kSigmoid, kSoftmax, kExp };

  ObjectiveOutput(Transform transform, float base_margin)
      : transform_(transform), base_margin_(base_margin) {}

  Transform transform_;
  float base_margin_;
};

}  // namespace mlops

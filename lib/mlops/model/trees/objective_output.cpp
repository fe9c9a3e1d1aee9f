#include "mlops/model/trees/objective_output.h"

#include <cmath>
#include <string>

namespace mlops {

std::optional<ObjectiveOutput> ObjectiveOutput::of(std::string_view objective, float base_score) {
  if (objective == "binary:logistic" || objective == "reg:logistic") {
    return ObjectiveOutput(Transform::kSigmoid, -std::log(1.0f / base_score - 1.0f));
  }
  if (objective == "multi:softprob") return ObjectiveOutput(Transform::kSoftmax, base_score);
  if (objective == "reg:squarederror" || objective == "reg:pseudohubererror" ||
      objective == "reg:absoluteerror" || objective == "reg:squaredlogerror") {
    return ObjectiveOutput(Transform::kIdentity, base_score);
  }
  if (objective == "count:poisson" || objective == "reg:gamma" || objective == "reg:tweedie") {
    return ObjectiveOutput(Transform::kExp, std::log(base_score));
  }
  return std::nullopt;
}

std::optional<ObjectiveOutput> ObjectiveOutput::of_learner(const nlohmann::json& learner) {
  // XGBoost stores base_score in output space, as a string in its JSON model.
  const nlohmann::json& base_score = learner.at("learner_model_param").at("base_score");
  return of(
      learner.at("objective").at("name").get<std::string>(),
      base_score.is_string() ? std::stof(base_score.get<std::string>()) : base_score.get<float>());
}

void ObjectiveOutput::transform(std::span<float> margins, size_t width) const {
  switch (transform_) {
    case Transform::kIdentity: return;
    case Transform::kSigmoid:
      for (float& x : margins) x = 1.0f / (1.0f + std::exp(-x));
      return;
    case Transform::kExp:
      for (float& x : margins) x = std::exp(x);
      return;
    case Transform::kSoftmax:
      for (size_t row = 0; row + width <= margins.size(); row += width) {
        float* values = margins.data() + row;
        float largest = values[0];
        for (size_t g = 1; g < width; ++g) largest = std::fmax(values[g], largest);
        double sum = 0;  // XGBoost's Softmax sums the float exponentials in double
        for (size_t g = 0; g < width; ++g) sum += values[g] = std::exp(values[g] - largest);
        for (size_t g = 0; g < width; ++g) values[g] /= static_cast<float>(sum);
      }
      return;
  }
}

}  // namespace mlops

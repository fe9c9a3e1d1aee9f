// train_param_text / train_param_int: the trainer's typed view of train.params.

#include "mlops/config/train_params.h"

#include <fmt/format.h>

#include "mlops/config/schema.h"
#include "mlops/core/error.h"

namespace mlops {

std::string train_param_default(std::string_view name) {
  const std::string path = "train.params." + std::string(name);
  const KeyDecl* key = find_key(path);
  if (!key) throw ConfigError("key '{}' is not declared", path);
  return key->default_value;
}

std::string train_param_text(const TrainSpec& spec, std::string_view name) {
  for (const auto& [written, value] : spec.params) {
    if (written == name) return value;
  }
  return train_param_default(name);
}

int64_t train_param_int(const TrainSpec& spec, std::string_view name) {
  const std::string path = "train.params." + std::string(name);
  return ConfigNode::scalar(train_param_text(spec, name), Origin{"train.params", 0, 0})
      .as_int(path);
}

std::string objective_problem(std::string_view objective) {
  if (objective == "binary:logitraw" || objective == "binary:hinge") {
    return fmt::format("'{}' does not predict probabilities; use binary:logistic", objective);
  }
  if (objective == "multi:softmax") {
    return "'multi:softmax' predicts labels, not probabilities; use multi:softprob";
  }
  return "";
}

}  // namespace mlops

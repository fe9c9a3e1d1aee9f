#include "mlops/contracts/training_readiness.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "mlops/model/train/training_split.h"

namespace mlops {

namespace {

/// True when the feature equals the label on every labeled row: a leaked target.
bool copies_label(const Column& feature, const std::vector<float>& label) {
  size_t compared = 0;
  for (size_t row = 0; row < feature.size(); ++row) {
    if (std::isnan(label[row])) continue;
    if (feature.is_null(row) || static_cast<float>(feature.numeric_at(row)) != label[row])
      return false;
    ++compared;
  }
  return compared > 0;
}

}  // namespace

ContractReport validate_training_table(const Table& features, const FeaturePipeline& pipeline) {
  const LabelInfo& label = pipeline.label();
  ContractReport builtin;
  builtin.stage = "validate";
  builtin.contract = "built-in training readiness";
  builtin.rows = features.num_rows();
  const Column* label_column = features.find(label.column);
  builtin.checks.push_back(stage_check("label_present", label.column, label_column != nullptr,
                                       "present", label_column ? "present" : "missing"));
  if (!label_column) return builtin;
  std::vector<float> encoded = pipeline.encode_label(*label_column);
  size_t labeled = 0;
  std::set<float> classes;
  for (float value : encoded) {
    if (std::isnan(value)) continue;
    ++labeled;
    classes.insert(value);
  }
  builtin.checks.push_back(
      stage_check("labeled_rows", label.column, labeled >= 10, ">= 10", std::to_string(labeled)));
  if (label.categorical) {
    builtin.checks.push_back(stage_check("label_classes", label.column, classes.size() >= 2,
                                         ">= 2 classes",
                                         fmt::format("{} classes", classes.size())));
  }
  // The rows train will fit on: featurize's split when it wrote one.
  if (const Column* split_column = features.find(kSplitColumn)) {
    const SplitIndices split = split_from_column(*split_column);
    std::set<float> training_classes;
    for (size_t row : split.train) {
      if (!std::isnan(encoded[row])) training_classes.insert(encoded[row]);
    }
    builtin.checks.push_back(stage_check("training_rows", "", !split.train.empty(), ">= 1",
                                         std::to_string(split.train.size())));
    if (label.categorical) {
      builtin.checks.push_back(
          stage_check("training_classes", label.column, training_classes.size() >= 2,
                      ">= 2 classes among training rows",
                      fmt::format("{} classes in {} training rows", training_classes.size(),
                                  split.train.size())));
    }
  }
  const std::vector<std::string>& names = pipeline.feature_names();
  for (const auto& source : label.sources) {
    if (source == label.column) continue;
    const bool is_feature = std::find(names.begin(), names.end(), source) != names.end();
    builtin.checks.push_back(stage_check("no_label_source", source, !is_feature,
                                         "not a feature (the label is computed from it)",
                                         is_feature ? "a feature" : "not a feature"));
  }
  for (const auto& name : names) {
    const Column* feature = features.find(name);
    if (!feature) {
      builtin.checks.push_back(stage_check("required_column", name, false, "present", "missing"));
      continue;
    }
    builtin.checks.push_back(stage_check("numeric_feature", name, feature->is_numeric(), "numeric",
                                         std::string(dtype_name(feature->type()))));
    if (feature->is_numeric() && copies_label(*feature, encoded)) {
      builtin.checks.push_back(stage_check("no_label_leakage", name, false,
                                           "feature differs from the label",
                                           "identical to the label on every labeled row"));
    }
  }
  return builtin;
}

}  // namespace mlops

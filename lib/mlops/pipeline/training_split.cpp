#include "mlops/pipeline/training_split.h"

#include <map>

namespace mlops {

SplitIndices training_split(const Column& label, bool categorical, const SplitSpec& spec) {
  std::vector<size_t> labeled;
  for (size_t row = 0; row < label.size(); ++row) {
    if (!label.is_null(row)) labeled.push_back(row);
  }
  std::vector<int> strata;
  if (categorical && spec.stratify) {
    std::map<std::string, int> ids;
    for (size_t row : labeled) ids.emplace(label.format_value(row), 0);
    int next = 0;
    for (auto& [value, id] : ids) id = next++;
    for (size_t row : labeled) strata.push_back(ids[label.format_value(row)]);
  }
  SplitIndices local = strata.empty() ? random_split(labeled.size(), spec.holdout, spec.seed)
                                      : random_split(labeled.size(), spec.holdout, spec.seed,
                                                     std::span<const int>(strata));
  SplitIndices split;
  for (size_t i : local.train) split.train.push_back(labeled[i]);
  for (size_t i : local.holdout) split.holdout.push_back(labeled[i]);
  return split;
}

}  // namespace mlops

#include "mlops/features/featurize.h"

#include "mlops/model/task.h"
#include "mlops/model/train/training_split.h"

namespace mlops {

FeaturizeResult featurize(Table clean, const FeaturizeSpec& spec, const TrainSpec& train) {
  const bool categorical = task_for_objective(train.objective) != Task::kRegression;
  FeaturePipeline pipeline(spec, categorical);
  const size_t clean_rows = clean.num_rows();
  // The declared label column, or the label expression's value (`delay > 15`).
  const Column label = pipeline.label_column(clean);
  // Fit on the training side of the split only, so holdout rows never shape the features.
  SplitIndices split = training_split(clean, label, categorical, train.split);
  // A group split's groups travel too: train keeps them whole in its validation set and folds.
  std::vector<uint64_t> groups;
  if (train.split.type == "group") groups = split_groups(clean, train.split);
  Table features = pipeline.fit_transform(std::move(clean), label, split.train);  // clean is spent
  // Train reads the split from here, so it needs neither the time column nor the seed logic.
  features.add_column(split_column(split, features.num_rows()));
  if (!groups.empty()) features.add_column(group_column(groups));
  const size_t unlabeled_rows = label.null_count();
  return FeaturizeResult{.features = std::move(features),
                         .pipeline = std::move(pipeline),
                         .split = std::move(split),
                         .clean_rows = clean_rows,
                         .unlabeled_rows = unlabeled_rows};
}

}  // namespace mlops

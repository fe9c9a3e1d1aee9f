#pragma once
// featurize as one function: the label, the train/holdout split, and the transforms fitted on
// the training rows, applied to every row. No files: the caller reads the clean table and
// writes the features and the fitted state.

#include <cstddef>
#include <vector>

#include "mlops/config/workflow.h"
#include "mlops/core/table.h"
#include "mlops/features/feature_pipeline.h"
#include "mlops/model/train/row_split.h"

namespace mlops {

/// What featurize produced from one clean table.
struct FeaturizeResult {
  /// The feature columns in fitted order, the label, then the split column (kSplitColumn) and,
  /// for a group split, the group column (kGroupColumn), so train uses exactly this split.
  Table features;
  /// The fitted transforms and the label (saved as feature_state.json).
  FeaturePipeline pipeline;
  /// Rows of the clean table on each side; unlabeled rows are in neither.
  SplitIndices split;
  size_t clean_rows = 0;      // rows of the input
  size_t unlabeled_rows = 0;  // rows whose label is null
};

/// Computes the label (featurize.label: a column or an expression), splits the labeled rows as
/// train.split says (categorical label unless train.objective is a regression), fits the
/// transforms on the training side only and transforms every row. Consumes `clean`.
/// Throws ConfigError for a bad transform, label or split declaration (naming its origin) and
/// DataError for a missing column or a non-numeric regression label.
FeaturizeResult featurize(Table clean, const FeaturizeSpec& spec, const TrainSpec& train);

}  // namespace mlops

#pragma once
// The built-in gate before training: is a feature table fit to train on? Enough labeled rows,
// at least two classes for classification (overall and among the training rows), numeric
// features, and no label leakage: no feature that copies the label and no feature among the
// columns a label expression reads.

#include "mlops/contracts/check.h"
#include "mlops/core/table.h"
#include "mlops/features/feature_pipeline.h"

namespace mlops {

/// The "built-in training readiness" report (stage "validate") of `features`, a table as
/// featurize wrote it, under the fitted `pipeline` that made it: label_present, labeled_rows
/// (>= 10), label_classes (classification), training_rows and training_classes (when the
/// table has featurize's split column), no_label_source, required_column, numeric_feature and
/// no_label_leakage. Failed checks are reported, never thrown.
ContractReport validate_training_table(const Table& features, const FeaturePipeline& pipeline);

}  // namespace mlops

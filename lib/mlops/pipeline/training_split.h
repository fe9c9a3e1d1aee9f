#pragma once
// The train/holdout split shared by featurize (fit transforms on training rows only, so no
// holdout statistics leak into features) and train (measure on exactly those holdout rows).

#include "mlops/config/workflow.h"
#include "mlops/core/table.h"
#include "mlops/model/split.h"

namespace mlops {

/// Splits the rows whose label is not null (rows with a null label are in neither side),
/// stratified by label value for classification when the spec asks for it. Indices refer to
/// rows of the whole table, ascending.
SplitIndices training_split(const Column& label, bool categorical, const SplitSpec& spec);

}  // namespace mlops

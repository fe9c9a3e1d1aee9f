#pragma once
// The train/holdout split shared by featurize (fit transforms on training rows only, so no
// holdout statistics leak into features) and train (measure on exactly those holdout rows).

#include "mlops/config/workflow.h"
#include "mlops/core/table.h"
#include "mlops/model/split.h"

namespace mlops {

/// Splits the rows whose label is not null (rows with a null label are in neither side).
/// random: seeded, stratified by label value for classification when the spec asks for it.
/// time: rows at or after `holdout_from`, else the last `holdout` fraction of the day range of
/// `spec.column` (cutoff = first day + floor(days * (1 - holdout))), are held out.
/// Indices refer to rows of `table` (which `label` belongs to), ascending. Throws ConfigError
/// for a missing or non-timestamp time column or an empty side.
SplitIndices training_split(const Table& table, const Column& label, bool categorical,
                            const SplitSpec& spec);

/// The column featurize writes next to the features so train uses exactly its split:
/// 0 = training row, 1 = holdout row, null = unlabeled (in neither side).
inline constexpr const char* kSplitColumn = "__split";
/// Builds that column for `rows` rows.
Column split_column(const SplitIndices& split, size_t rows);
/// Reads it back.
SplitIndices split_from_column(const Column& column);

}  // namespace mlops

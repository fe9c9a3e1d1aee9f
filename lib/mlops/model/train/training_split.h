#pragma once
// The train/holdout split shared by featurize (fit transforms on training rows only, so no
// holdout statistics leak into features) and train (measure on exactly those holdout rows).

#include "mlops/config/workflow.h"
#include "mlops/core/table.h"
#include "mlops/model/train/row_split.h"

namespace mlops {

/// Splits the rows whose label is not null (rows with a null label are in neither side).
/// random: seeded, stratified by label value for classification when the spec asks for it.
/// time: rows at or after `holdout_from`, else the last `holdout` fraction of the day range of
/// `spec.column` (cutoff = first day + floor(days * (1 - holdout))), are held out.
/// group: the seeded hash of each row's `spec.column` value decides (group_split()).
/// Indices refer to rows of `table` (which `label` belongs to), ascending. Throws ConfigError
/// for a missing time or group column, a non-timestamp time column or an empty side.
SplitIndices training_split(const Table& table, const Column& label, bool categorical,
                            const SplitSpec& spec);

/// The group of each row for a group split: XXH3-64 of the `spec.column` value as text (null
/// is a group of its own). Throws ConfigError for a missing column.
std::vector<uint64_t> split_groups(const Table& table, const SplitSpec& spec);

/// The column featurize writes next to the features so train uses exactly its split:
/// 0 = training row, 1 = holdout row, null = unlabeled (in neither side).
inline constexpr const char* kSplitColumn = "__split";
/// Builds that column for `rows` rows.
Column split_column(const SplitIndices& split, size_t rows);
/// Reads it back.
SplitIndices split_from_column(const Column& column);

/// For a group split, the column featurize writes next to it so train can keep groups whole in
/// its own folds (validation set, cross-validation): each row's group hash as int64.
inline constexpr const char* kGroupColumn = "__group";
Column group_column(const std::vector<uint64_t>& groups);
std::vector<uint64_t> groups_from_column(const Column& column);

}  // namespace mlops

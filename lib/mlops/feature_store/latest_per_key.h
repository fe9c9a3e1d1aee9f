#pragma once
// Each entity key's newest row, found in one pass over a view's rows with a hash table and no
// sort: what materialization writes (view_rows.h's latest_per_key, materialize.h's
// latest_records).

#include <cstddef>
#include <span>
#include <vector>

#include "mlops/core/table.h"

namespace mlops {

/// Of `rows` (row numbers in the order the source wrote them, ascending), the row holding each
/// distinct key's newest value: the greatest `time`, and at equal times the later of `rows`, so
/// the result is the row a scan of the rows stably sorted by time ends on for that key. Keys
/// are compared by value over `keys` (int64/timestamp/bool or string columns; null equals
/// only null). Returns the chosen row numbers in ascending order.
std::vector<size_t> latest_row_per_key(std::span<const Column* const> keys, const Column& time,
                                       std::span<const size_t> rows);

/// The same over every row of the columns (0 .. time.size()).
std::vector<size_t> latest_row_per_key(std::span<const Column* const> keys, const Column& time);

}  // namespace mlops

#pragma once
// Tables on disk between stages: CSV plus a schema sidecar (<file>.schema.json) so a stage
// rerun alone reads back exactly the types the previous stage wrote, nulls included.

#include <string>

#include "mlops/core/table.h"

namespace mlops {

/// Writes `path` (CSV) and `path`.schema.json, both atomically.
void write_table(const Table& table, const std::string& path);
/// Reads a table written by write_table; without a sidecar, types are inferred. A record that
/// does not match the sidecar's types throws DataError (these files are our own output).
Table read_table(const std::string& path);
/// The sidecar path for a table file.
std::string schema_sidecar_path(const std::string& path);

}  // namespace mlops

#pragma once
// Tables on disk between stages: CSV plus a schema sidecar (<file>.schema.json) so a stage
// rerun alone reads back exactly the types the previous stage wrote, nulls included.

#include <string>

#include "mlops/core/table.h"
#include "mlops/io/csv/writer.h"
#include "mlops/io/read_result.h"

namespace mlops {

/// Writes `path` (CSV) and `path`.schema.json, both atomically.
void write_table(const Table& table, const std::string& path);
/// Reads a table written by write_table; without a sidecar, types are inferred. A record that
/// does not match the sidecar's types throws DataError (these files are our own output).
Table read_table(const std::string& path);
/// Only shard `index` of `count` of it (the records whose line starts in that byte range,
/// ReadOptions::shard_index): one worker's rows in distributed training.
Table read_table(const std::string& path, size_t index, size_t count);
/// The sidecar path for a table file.
std::string schema_sidecar_path(const std::string& path);
/// Read options typing a table file as its sidecar says (inferred without one), for reading
/// it in batches with CsvReader.
ReadOptions table_read_options(const std::string& path);

/// write_table batch by batch: CSV rows appended as they come, the sidecar written on commit.
class TableWriter {
 public:
  explicit TableWriter(const std::string& path);
  void write(const Table& batch) { csv_.write(batch); }
  void commit();
  size_t rows() const { return csv_.rows(); }
  const Schema& schema() const { return csv_.schema(); }

 private:
  std::string path_;
  CsvWriter csv_;
};

}  // namespace mlops

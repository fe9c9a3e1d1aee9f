#pragma once
// Writing a table as CSV batch by batch (streaming outputs), atomically: the file appears at
// its path only on commit().

#include <string>
#include <vector>

#include "mlops/core/table.h"
#include "mlops/io/csv/format.h"
#include "mlops/io/file.h"

namespace mlops {

class CsvWriter {
 public:
  /// Opens the temp file; throws IoError.
  explicit CsvWriter(const std::string& path, char delimiter = ',');
  /// Appends the batch's rows; the first batch writes the header. Every batch must have the
  /// first one's schema (InternalError otherwise).
  void write(const Table& batch);
  /// Writes the header if no batch came, then publishes the file.
  void commit();
  const Schema& schema() const { return schema_; }
  size_t rows() const { return rows_; }

 private:
  AtomicFile file_;
  char delimiter_;
  Schema schema_;
  bool header_written_ = false;
  size_t rows_ = 0;
  std::vector<TextBuffer> buffers_;  // formatted blocks, reused from batch to batch
};

}  // namespace mlops

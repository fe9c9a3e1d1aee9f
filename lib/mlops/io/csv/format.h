#pragma once
// Table rows as CSV text, written straight into a byte buffer sized by an upper bound per
// column; each column's type, storage and nulls are looked up once per table.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "mlops/core/table.h"

namespace mlops {

/// Bytes written before they are read: grows without zero-filling, reused block after block.
class TextBuffer {
 public:
  /// Room for at least `bytes`; drops the contents.
  char* reserve(size_t bytes);
  /// Marks [data, end) as the contents.
  void set_end(const char* end) { size_ = static_cast<size_t>(end - data_.get()); }
  std::string_view text() const { return {data_.get(), size_}; }

 private:
  std::unique_ptr<char[]> data_;
  size_t capacity_ = 0;
  size_t size_ = 0;
};

/// Writes `field` at `out` as one CSV field, quoted only when needed: when it holds the
/// delimiter, a quote, CR or LF, or starts or ends with a blank (readers that trim blanks keep
/// them). `out` must have room for 2 * field.size() + 2 bytes. Returns the end.
char* write_csv_field(char* out, std::string_view field, char delimiter);

/// Formats rows of one table (which must outlive it) as CSV records. Safe to call from
/// several threads at once.
class CsvRowFormatter {
 public:
  CsvRowFormatter(const Table& table, char delimiter);
  /// Rows [begin, end) as CSV records, each ending in '\n', in `buffer` (which it overwrites).
  /// Nulls are empty fields, except in a one-column table, where a null is "" (a lone empty
  /// field would be a blank line, which readers skip).
  std::string_view format(size_t begin, size_t end, TextBuffer& buffer) const;

 private:
  struct Cell {
    const Column* column;
    DType type;
    bool nullable;
    const int64_t* ints;   // int64, bool and timestamp values
    const double* floats;  // float64 values
  };

  size_t max_bytes(size_t begin, size_t end) const;

  std::vector<Cell> cells_;
  char delimiter_;
  size_t null_size_;        // 2 (the "" of a one-column table) or 0
  size_t fixed_row_bytes_;  // a row's bound, strings aside
};

}  // namespace mlops

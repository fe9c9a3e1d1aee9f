#pragma once
// The columnar Table that stages pass to each other: typed contiguous buffers, strings as
// offsets + bytes, and a validity bitmap per column. No per-row allocation.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace mlops {

/// Column types. Timestamps are microseconds since the Unix epoch, UTC.
enum class DType : uint8_t { kInt64, kFloat64, kBool, kString, kTimestamp };

/// Stable lower-case name: int64, float64, bool, string, timestamp.
std::string_view dtype_name(DType type);
/// Parses a type name (also accepts int, float, double, str, datetime); nullopt if unknown.
std::optional<DType> parse_dtype(std::string_view name);
/// Every accepted type name, for "did you mean" suggestions and help.
const std::vector<std::string>& dtype_names();

/// One named, typed column with nulls.
class Column {
 public:
  Column(std::string name, DType type);

  const std::string& name() const { return name_; }
  void rename(std::string name) { name_ = std::move(name); }
  DType type() const { return type_; }
  size_t size() const { return size_; }
  size_t null_count() const { return null_count_; }
  bool is_null(size_t row) const { return !((validity_[row >> 6] >> (row & 63)) & 1u); }
  /// True for int64, float64, bool and timestamp: the types numeric_at() can read.
  bool is_numeric() const { return type_ != DType::kString; }

  /// Reserves room for `rows` values (and `string_bytes` of text for string columns).
  void reserve(size_t rows, size_t string_bytes = 0);
  /// Bytes of text held by a string column.
  size_t string_bytes() const { return chars_.size(); }
  void push_null();
  // Inline: readers and transforms call these once per value.
  void push_int(int64_t value) {  // int64 and timestamp columns
    ints_.push_back(value);
    push_valid();
  }
  void push_float(double value) {
    floats_.push_back(value);
    push_valid();
  }
  void push_bool(bool value) {
    ints_.push_back(value ? 1 : 0);
    push_valid();
  }
  void push_string(std::string_view value) {
    chars_.append(value);
    offsets_.push_back(chars_.size());
    push_valid();
  }

  int64_t int_at(size_t row) const { return ints_[row]; }
  double float_at(size_t row) const { return floats_[row]; }
  bool bool_at(size_t row) const { return ints_[row] != 0; }
  std::string_view string_at(size_t row) const {
    return std::string_view(chars_).substr(offsets_[row], offsets_[row + 1] - offsets_[row]);
  }
  /// Any numeric column's value as a double; NaN for null. Must not be called on strings.
  double numeric_at(size_t row) const;
  /// The value as text, the way CSV and messages show it; "" for null.
  std::string format_value(size_t row) const;

  /// Raw storage: int64, bool (0/1) and timestamp use ints(); float64 uses floats().
  std::span<const int64_t> ints() const { return ints_; }
  std::span<const double> floats() const { return floats_; }

  /// A new column holding the given rows, in that order.
  Column take(std::span<const size_t> rows) const;
  /// Appends every row of `other`, which must have the same type (batches of one table).
  void append(const Column& other);
  /// Releases all storage (a column consumed by a merge).
  void clear();
  /// Converts an int64 column to float64 in place (type widening during inference).
  void widen_to_float();

 private:
  void push_valid() {
    if ((size_ & 63) == 0) validity_.push_back(0);
    validity_.back() |= uint64_t{1} << (size_ & 63);
    ++size_;
  }

  std::string name_;
  DType type_;
  size_t size_ = 0;
  size_t null_count_ = 0;
  std::vector<uint64_t> validity_;  // bit set = value present
  std::vector<int64_t> ints_;
  std::vector<double> floats_;
  std::vector<uint64_t> offsets_{0};
  std::string chars_;
};

/// A column's name and type.
struct Field {
  std::string name;
  DType type;
  bool operator==(const Field&) const = default;
};
using Schema = std::vector<Field>;

/// An ordered set of equal-length columns with unique names.
class Table {
 public:
  size_t num_rows() const { return columns_.empty() ? 0 : columns_.front().size(); }
  size_t num_columns() const { return columns_.size(); }
  const std::vector<Column>& columns() const { return columns_; }
  /// The i-th column for in-place growth (appending a batch); the caller keeps lengths equal.
  Column& mutable_column(size_t i) { return columns_[i]; }

  /// Appends a column; throws InternalError if its length or name clashes.
  void add_column(Column column);
  /// Replaces (same name) or appends.
  void set_column(Column column);
  /// Removes a column if present; returns whether it was.
  bool remove_column(std::string_view name);
  /// Moves the named column out of the table (no copy); throws DataError when absent.
  Column release_column(std::string_view name);
  const Column* find(std::string_view name) const;
  /// The named column; throws DataError naming the column, with a "did you mean".
  const Column& column(std::string_view name) const;
  std::vector<std::string> column_names() const;
  Schema schema() const;
  /// A new table holding the given rows of every column.
  Table take(std::span<const size_t> rows) const;
  /// A table of no rows with the schema's columns (a header-only input, an empty shard).
  static Table empty(const Schema& schema);

 private:
  std::vector<Column> columns_;
};

}  // namespace mlops

#pragma once
// Typing the records of one part of a CSV window into columns: each field is parsed by its
// column's type and appended at once; a record that turns out bad midway is filled with nulls
// and its row removed when the part is finished, so the good path touches each value once.
// Private to lib/mlops/io.

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "mlops/core/table.h"
#include "mlops/io/csv/typed_field.h"
#include "mlops/io/read_result.h"
#include "mlops/io/typing.h"

namespace mlops::io_detail {

/// What every part of a window needs to type its records; read-only while parsing.
struct RecordPlan {
  const std::vector<std::string>* names = nullptr;
  std::vector<DType> types;
  std::vector<bool> declared;
  std::vector<const TimestampFormat*> formats;          // declared timestamp layouts; null: ISO
  std::vector<std::unique_ptr<DeclaredCheck>> allowed;  // declared with values only
  const ReadOptions* options = nullptr;
};

/// Types the records of one part of a window into its own columns. Lines and record indices
/// are relative to the part; the reader fixes them up.
class RecordParser {
 public:
  /// Appends to `reuse` when given (columns of an earlier batch of the same schema, emptied
  /// here but keeping their memory), else to new columns.
  explicit RecordParser(const RecordPlan& plan, std::vector<Column> reuse = {});

  /// Sizes the columns for `rows` records taken from `bytes` bytes of text.
  void reserve(size_t rows, size_t bytes);
  /// Adds one record: its row when every field fits, else a BadRecord. Throws
  /// CsvReader::InferenceMismatch when an undeclared column's value does not fit its type.
  void add(const std::string_view* fields, size_t num_fields, size_t line, std::string_view raw);
  /// Adds a record that could not be split (an unterminated quote) to the bad ones.
  void reject_raw(size_t line, std::string reason, std::string_view raw);
  /// The good records as a table; call once, after the last add.
  Table finish();

  /// Fields passed to add() lie in a buffer readable up to `end` (null: unknown), which lets
  /// short integers be read a word at a time.
  void set_readable_end(const char* end) { readable_end_ = end; }

  size_t width() const { return columns_.size(); }
  /// Records added so far, good and bad.
  size_t records() const { return records_; }
  std::vector<BadRecord>& bad() { return bad_; }

 private:
  /// Rejects the record whose fields before column `c` were appended already: the rest of its
  /// row is filled with nulls and the row removed by finish().
  void reject_partial(size_t c, size_t line, size_t record, std::string_view text,
                      std::string reason, std::string_view raw);
  void reject(size_t line, size_t record, std::string column, std::string_view value,
              std::string reason, std::string_view raw);
  [[noreturn]] void throw_mismatch(size_t c, std::string_view text) const;

  const RecordPlan& plan_;
  NullValues nulls_;
  bool any_allowed_ = false;
  const char* readable_end_ = nullptr;
  std::vector<Column> columns_;
  std::vector<TimestampParser> timestamps_;  // per column: each keeps its own cached day
  std::vector<size_t> partial_rows_;         // rows of records rejected midway, ascending
  std::vector<BadRecord> bad_;
  size_t records_ = 0;
};

/// Types quote-free text of whole lines (every line is one record); `lines` gets the number of
/// lines in the text, blank ones included. Returns false, with the parser's records incomplete,
/// when the text holds a quote: then it needs parse_quoted.
bool parse_plain(std::string_view text, char delimiter, char quote, RecordParser& parser,
                 size_t& lines);
/// Types text that may hold quoted fields (the exact, single-threaded scanner).
void parse_quoted(std::string_view text, char delimiter, char quote, RecordParser& parser,
                  size_t& lines);

}  // namespace mlops::io_detail

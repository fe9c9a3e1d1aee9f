#pragma once
// Streaming CSV reading: the input is read in windows of whole records and each window is
// parsed straight into typed columns, split across threads when it holds no quote character
// (then every line is one record and any newline is a safe split point). Each part of a window
// is handed out as its own batch (no merge copy), and while the caller works on a window's
// batches the next window is read and parsed on another thread. Memory stays at two windows
// plus their batches, whatever the file size; read_csv_file appends the batches.

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mlops/io/read_result.h"

namespace mlops {

class CsvReader {
 public:
  /// Reads a file; throws IoError naming it. `window_bytes` bounds the memory of one batch's
  /// input text. A regular file is mapped (it must not shrink while it is read: that would
  /// end the process with SIGBUS), anything else is read through a buffer.
  CsvReader(const std::string& path, ReadOptions options, size_t window_bytes = 16 << 20);
  /// Reads text held in memory (which must outlive the reader).
  CsvReader(std::string_view text, ReadOptions options);
  ~CsvReader();
  CsvReader(const CsvReader&) = delete;
  CsvReader& operator=(const CsvReader&) = delete;

  /// Column names and types of every batch (types of undeclared columns inferred from the first
  /// window). Throws DataError for an empty input, a duplicate or a missing declared column.
  const Schema& schema() const { return schema_; }

  /// The next batch of records, in input order: good ones in `batch` (columns per schema()),
  /// others appended to `bad`. Returns false at the end of input. The columns `batch` holds
  /// when called (the last batch) are emptied and reused for a later one. Throws
  /// InferenceMismatch when an undeclared column holds a value its inferred type cannot hold
  /// (possibly a window ahead of the batch it returns, which is no matter: the read starts
  /// over).
  bool next(Table& batch, std::vector<BadRecord>& bad);

  /// An undeclared column whose inferred type proved too narrow after some batches were read;
  /// read_csv_file restarts with the column declared as `widened`.
  struct InferenceMismatch {
    std::string column;
    DType widened;
  };

  /// Records handed out so far (good and bad), and the input bytes they came from.
  size_t records_read() const { return records_delivered_; }
  size_t bytes_read() const { return consumed_total_; }
  /// Size of the whole input in bytes.
  size_t total_bytes() const { return total_bytes_; }
  /// Bytes of the input this reader reads: the whole input, or its shard (for sizing the table
  /// ahead of time), and how many of them were handed out so far.
  size_t shard_bytes() const { return std::min(shard_end_, total_bytes_) - shard_begin_; }
  size_t shard_bytes_read() const { return consumed_total_ - shard_begin_; }

 private:
  struct Part;
  /// A part as typed, before its lines are numbered from the start of the input.
  struct ParsedText;
  void start();
  /// Reads and types the next window, as parts in input order; empty at the end of input. Runs
  /// on the prefetch thread while the caller has batches of the window before.
  std::vector<Part> parse_window();
  /// Where the window's whole records end, counting quotes or not; grows the window while it
  /// holds no whole record.
  size_t whole_records_end(bool quoted);
  /// Types each text on the threads; a plain text that holds a quote comes back marked.
  std::vector<ParsedText> parse_texts(std::vector<std::string_view> texts, bool quoted);
  bool fill_window();
  /// Gives back the pages of a mapped file's first `parsed` bytes.
  void release_parsed(size_t parsed);
  void read_header();
  void seek_to_shard();
  size_t line_start_at_or_after(size_t offset);
  void infer_types();

  ReadOptions options_;
  std::FILE* file_ = nullptr;
  std::string_view memory_;           // in-memory input or the mapped file
  bool mapped_ = false;               // memory_ is a mapping of the whole file, ours to unmap
  size_t released_ = 0;               // bytes of the mapping whose pages were given back
  size_t file_remaining_ = SIZE_MAX;  // bytes left to read from the file (a shard's end)
  size_t memory_pos_ = 0;
  size_t window_bytes_;
  std::string buffer_;        // window storage when reading a file
  size_t buffer_offset_ = 0;  // file offset of buffer_[0]
  std::string_view window_;   // unparsed text: whole records from the start
  bool eof_ = false;
  size_t line_ = 1;     // line number of the next unparsed byte
  size_t records_ = 0;  // records parsed (numbering the next window's)
  size_t records_delivered_ = 0;
  size_t consumed_total_ = 0;  // bytes of the header and the batches handed out
  size_t total_bytes_ = 0;
  size_t shard_begin_ = 0;  // the byte range this reader reads: a shard's, else all
  size_t shard_end_ = SIZE_MAX;
  std::vector<std::string> names_;
  std::vector<const ColumnDecl*> declared_;  // per column, nullptr when inferred
  Schema schema_;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace mlops

// read_csv / read_csv_file: every batch of a CsvReader appended into one table.

#include "mlops/io/csv/batches.h"
#include "mlops/io/csv/csv.h"

namespace mlops {

namespace {

/// Sizes the columns for the whole input (its shard, when reading one) from the first batch's bytes
/// per row, so appending batches never doubles a buffer (which would briefly need twice the table's
/// memory).
void reserve_for_whole_input(Table& table, const CsvReader& reader) {
  // A shard's bytes, not the whole file's: a late shard sized by the bytes before it would
  // reserve too little and grow by doubling.
  if (reader.shard_bytes_read() == 0 || table.num_rows() == 0 ||
      reader.shard_bytes() <= reader.shard_bytes_read())
    return;
  const double scale = static_cast<double>(reader.shard_bytes()) /
                       static_cast<double>(reader.shard_bytes_read()) * 1.02;
  for (size_t c = 0; c < table.num_columns(); ++c) {
    Column& column = table.mutable_column(c);
    column.reserve(static_cast<size_t>(static_cast<double>(column.size()) * scale),
                   static_cast<size_t>(static_cast<double>(column.string_bytes()) * scale));
  }
}

/// Reads every batch into one table (read_csv_batches restarts it when an inferred type
/// proves too narrow; rare: the sample is the first megabyte).
template <typename MakeReader>
ReadResult read_all(ReadOptions options, MakeReader make_reader) {
  ReadResult result;
  bool first = true;
  read_csv_batches(
      options, make_reader,
      [&](Table& batch, std::vector<BadRecord>& bad, const CsvReader& reader) {
        for (auto& record : bad) result.bad.push_back(std::move(record));
        if (first) {
          result.table = std::move(batch);
          first = false;
          reserve_for_whole_input(result.table, reader);
          return;
        }
        for (size_t c = 0; c < batch.num_columns(); ++c) {
          result.table.mutable_column(c).append(batch.columns()[c]);
        }
      },
      [&](const CsvReader::InferenceMismatch&) {
        result = ReadResult();
        first = true;
      });
  return result;
}

}  // namespace

ReadResult read_csv(std::string_view text, const ReadOptions& options) {
  return read_all(options, [&](const ReadOptions& o) { return CsvReader(text, o); });
}

ReadResult read_csv_file(const std::string& path, ReadOptions options) {
  if (options.source_name.empty() || options.source_name == ReadOptions().source_name) {
    options.source_name = path;
  }
  return read_all(options, [&](const ReadOptions& o) { return CsvReader(path, o); });
}

}  // namespace mlops

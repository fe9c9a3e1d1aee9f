// read_csv / read_csv_file: every batch of a CsvReader appended into one table.

#include "mlops/io/csv.h"
#include "mlops/io/csv_reader.h"

namespace mlops {

namespace {

/// Sizes the columns for the whole input from the first batch's bytes per row, so appending
/// batches never doubles a buffer (which would briefly need twice the table's memory).
void reserve_for_whole_input(Table& table, const CsvReader& reader) {
  if (reader.bytes_read() == 0 || table.num_rows() == 0 ||
      reader.total_bytes() <= reader.bytes_read())
    return;
  const double scale =
      static_cast<double>(reader.total_bytes()) / static_cast<double>(reader.bytes_read()) * 1.02;
  for (size_t c = 0; c < table.num_columns(); ++c) {
    Column& column = table.mutable_column(c);
    column.reserve(static_cast<size_t>(static_cast<double>(column.size()) * scale),
                   static_cast<size_t>(static_cast<double>(column.string_bytes()) * scale));
  }
}

/// Reads every batch into one table. An undeclared column whose inferred type proves too
/// narrow later in the input restarts the read with that column declared wider (rare: the
/// sample is the first megabyte).
template <typename MakeReader>
ReadResult read_all(ReadOptions options, MakeReader make_reader) {
  for (;;) {
    try {
      CsvReader reader = make_reader(options);
      ReadResult result;
      Table batch;
      bool first = true;
      while (reader.next(batch, result.bad)) {
        if (first) {
          result.table = std::move(batch);
          first = false;
          reserve_for_whole_input(result.table, reader);
          continue;
        }
        for (size_t c = 0; c < batch.num_columns(); ++c) {
          result.table.mutable_column(c).append(batch.columns()[c]);
        }
      }
      if (first) result.table = Table::empty(reader.schema());  // header only
      return result;
    } catch (const CsvReader::InferenceMismatch& mismatch) {
      options.declared.push_back({mismatch.column, mismatch.widened, {}});
    }
  }
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

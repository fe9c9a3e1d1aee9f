// The CSV reader (io/csv) on any bytes: in memory, then from a file in small windows (which
// moves every window boundary through the input), first inferring every column's type, then
// with the columns declared (int64, float64, bool, timestamp, string with allowed values in
// turn) and "NA" as null. Both readings must account for the same records.

#include <cstdio>
#include <string>

#include "fuzz_support.h"
#include "mlops/io/csv/csv.h"
#include "mlops/io/csv/reader.h"

namespace {

using mlops::ReadOptions;

const mlops::fuzz::InputFile& input_file() {
  static const mlops::fuzz::InputFile file(".csv");
  return file;
}

// Records the file reader hands out with 64-byte windows.
size_t records_from_file(const ReadOptions& options) {
  mlops::ReadOptions file_options = options;
  for (;;) {
    try {
      mlops::CsvReader reader(input_file().path(), file_options, 64);
      mlops::Table batch;
      std::vector<mlops::BadRecord> bad;
      size_t records = 0;
      while (reader.next(batch, bad)) records += batch.num_rows();
      return records + bad.size();
    } catch (const mlops::CsvReader::InferenceMismatch& mismatch) {
      file_options.declared.push_back({mismatch.column, mismatch.widened, {}});
    }
  }
}

void read_both_ways(std::string_view text, const ReadOptions& options) {
  mlops::ReadResult in_memory = mlops::read_csv(text, options);
  const size_t records = in_memory.table.num_rows() + in_memory.bad.size();
  const size_t from_file = records_from_file(options);
  if (records != from_file) {
    std::fprintf(stderr, "fuzz: %zu records in memory, %zu from the file\n", records, from_file);
    std::abort();
  }
  (void)mlops::to_csv(in_memory.table);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text = mlops::fuzz::as_text(data, size);
  input_file().write(text);
  ReadOptions options;
  options.source_name = "fuzz.csv";
  const std::string_view header = text.substr(0, text.find('\n'));
  if (header.find('\t') != std::string_view::npos && header.find(',') == std::string_view::npos) {
    options.delimiter = '\t';
  }
  mlops::fuzz::expect_typed_errors([&] {
    mlops::ReadResult inferred = mlops::read_csv(text, options);
    read_both_ways(text, options);

    static const mlops::DType kTypes[] = {mlops::DType::kInt64, mlops::DType::kFloat64,
                                          mlops::DType::kBool, mlops::DType::kTimestamp,
                                          mlops::DType::kString};
    ReadOptions declared = options;
    declared.null_values = {"NA"};
    size_t i = 0;
    for (const auto& name : inferred.table.column_names()) {
      mlops::ColumnDecl decl{name, kTypes[i++ % 5], {}};
      if (decl.type == mlops::DType::kString) decl.allowed = {"LAS", "rain", "Adelie"};
      declared.declared.push_back(std::move(decl));
    }
    read_both_ways(text, declared);
  });
  return 0;
}

// CSV output, formatted column type by column type without temporary strings, and in parallel
// blocks of rows for files: threads format a round of consecutive blocks while the main thread
// writes the previous round in order, so memory stays at a few blocks whatever the table size.

#include <fmt/compile.h>
#include <fmt/format.h>

#include <charconv>
#include <string_view>
#include <thread>

#include "mlops/core/error.h"
#include "mlops/core/time.h"
#include "mlops/io/csv.h"
#include "mlops/io/csv_writer.h"

namespace mlops {
namespace {

constexpr size_t kRowsPerBlock = 1 << 16;

bool needs_quotes(std::string_view field, char delimiter) {
  if (field.empty()) return false;
  // Leading and trailing blanks are quoted so that readers which trim them keep them.
  auto blank = [](char c) { return c == ' ' || c == '\t'; };
  if (blank(field.front()) || blank(field.back())) return true;
  for (char c : field) {
    if (c == delimiter || c == '"' || c == '\r' || c == '\n') return true;
  }
  return false;
}

/// Formats values of one column; keeps the last day of a timestamp column formatted.
class ValueWriter {
 public:
  void append(std::string& out, const Column& column, size_t row, char delimiter) {
    switch (column.type()) {
      case DType::kInt64: {
        char buffer[24];
        auto result = std::to_chars(buffer, buffer + sizeof buffer, column.int_at(row));
        out.append(buffer, result.ptr);
        break;
      }
      case DType::kFloat64: {
        char buffer[32];
        char* end = fmt::format_to(buffer, FMT_COMPILE("{}"), column.float_at(row));
        out.append(buffer, end);
        break;
      }
      case DType::kBool: out.append(column.bool_at(row) ? "true" : "false"); break;
      case DType::kString: append_csv_field(out, column.string_at(row), delimiter); break;
      case DType::kTimestamp: append_timestamp(out, column.int_at(row)); break;
    }
  }

 private:
  void append_timestamp(std::string& out, int64_t micros) {
    constexpr int64_t kMicrosPerDay = 86'400'000'000;
    const int64_t day =
        micros >= 0 ? micros / kMicrosPerDay : -((-micros + kMicrosPerDay - 1) / kMicrosPerDay);
    const int64_t in_day = micros - day * kMicrosPerDay;
    if (in_day % 1'000'000 != 0 || !valid_day_ || day != day_) {
      if (in_day % 1'000'000 != 0) {  // fractional seconds: the general formatter
        out.append(format_timestamp(micros));
        return;
      }
      date_ = format_timestamp(day * kMicrosPerDay).substr(0, 11);  // "YYYY-MM-DD "
      day_ = day;
      valid_day_ = true;
    }
    const int64_t seconds = in_day / 1'000'000;
    char time[8] = {static_cast<char>('0' + seconds / 36000),
                    static_cast<char>('0' + seconds / 3600 % 10),
                    ':',
                    static_cast<char>('0' + seconds % 3600 / 600),
                    static_cast<char>('0' + seconds % 3600 / 60 % 10),
                    ':',
                    static_cast<char>('0' + seconds % 60 / 10),
                    static_cast<char>('0' + seconds % 10)};
    out.append(date_);
    out.append(time, sizeof time);
  }

  std::string date_;
  int64_t day_ = 0;
  bool valid_day_ = false;
};

void append_header(std::string& out, const Table& table, char delimiter) {
  for (size_t c = 0; c < table.num_columns(); ++c) {
    if (c) out.push_back(delimiter);
    append_csv_field(out, table.columns()[c].name(), delimiter);
  }
  out.push_back('\n');
}

void append_rows(std::string& out, const Table& table, size_t begin, size_t end, char delimiter) {
  const auto& columns = table.columns();
  std::vector<ValueWriter> writers(columns.size());
  for (size_t row = begin; row < end; ++row) {
    for (size_t c = 0; c < columns.size(); ++c) {
      if (c) out.push_back(delimiter);
      if (columns[c].is_null(row)) {
        // A lone empty field would make a blank line, which readers skip; "" keeps the row.
        if (columns.size() == 1) out.append("\"\"");
        continue;
      }
      writers[c].append(out, columns[c], row, delimiter);
    }
    out.push_back('\n');
  }
}

}  // namespace

void append_csv_field(std::string& out, std::string_view field, char delimiter) {
  if (!needs_quotes(field, delimiter)) {
    out.append(field);
    return;
  }
  out.push_back('"');
  for (char c : field) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
}

std::string to_csv(const Table& table, char delimiter) {
  std::string out;
  append_header(out, table, delimiter);
  append_rows(out, table, 0, table.num_rows(), delimiter);
  return out;
}

void write_csv_file(const Table& table, const std::string& path, char delimiter) {
  CsvWriter writer(path, delimiter);
  writer.write(table);
  writer.commit();
}

CsvWriter::CsvWriter(const std::string& path, char delimiter)
    : file_(path), delimiter_(delimiter) {}

void CsvWriter::commit() {
  if (!header_written_) {
    std::string header;
    append_header(header, Table(), delimiter_);
    file_.write(header);
  }
  file_.commit();
}

void CsvWriter::write(const Table& table) {
  if (!header_written_) {
    schema_ = table.schema();
    std::string header;
    append_header(header, table, delimiter_);
    file_.write(header);
    header_written_ = true;
  } else if (table.schema() != schema_) {
    throw InternalError("CsvWriter: a batch's columns differ from the first batch's");
  }
  const char delimiter = delimiter_;
  const size_t rows = table.num_rows();
  rows_ += rows;
  if (rows <= kRowsPerBlock) {  // one block: no threads
    std::string block;
    append_rows(block, table, 0, rows, delimiter);
    file_.write(block);
    return;
  }
  // Rounds of one block per thread. Threads format round k while this thread writes round
  // k - 1, so the kernel's copy into the page cache overlaps the formatting.
  const size_t threads = std::max(1u, std::min(4u, std::thread::hardware_concurrency()));
  std::vector<std::string> blocks[2] = {std::vector<std::string>(threads),
                                        std::vector<std::string>(threads)};
  auto write_round = [&](std::vector<std::string>& round) {
    for (std::string& block : round) {
      file_.write(block);
      block.clear();
    }
  };
  size_t round = 0;
  for (size_t start = 0; start < rows; start += threads * kRowsPerBlock, ++round) {
    std::vector<std::string>& current = blocks[round % 2];
    std::vector<std::thread> pool;
    for (size_t t = 0; t < threads; ++t) {
      const size_t begin = std::min(rows, start + t * kRowsPerBlock);
      const size_t end = std::min(rows, begin + kRowsPerBlock);
      if (begin == end) break;
      pool.emplace_back(
          [&, t, begin, end] { append_rows(current[t], table, begin, end, delimiter); });
    }
    try {
      if (round > 0) write_round(blocks[(round - 1) % 2]);
    } catch (...) {
      for (auto& thread : pool) thread.join();
      throw;
    }
    for (auto& thread : pool) thread.join();
  }
  write_round(blocks[(round - 1) % 2]);
}

}  // namespace mlops

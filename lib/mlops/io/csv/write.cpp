// CSV output: CsvRowFormatter (csv_format.h) formats blocks of rows, and for files, threads
// format a round of consecutive blocks while the main thread writes the previous round in
// order, so memory stays at a few blocks whatever the table size.

#include <algorithm>
#include <string_view>
#include <thread>

#include "mlops/core/error.h"
#include "mlops/io/csv/csv.h"
#include "mlops/io/csv/format.h"
#include "mlops/io/csv/writer.h"

namespace mlops {
namespace {

constexpr size_t kRowsPerBlock = 1 << 16;

void append_header(std::string& out, const Table& table, char delimiter) {
  for (size_t c = 0; c < table.num_columns(); ++c) {
    if (c) out.push_back(delimiter);
    append_csv_field(out, table.columns()[c].name(), delimiter);
  }
  out.push_back('\n');
}

}  // namespace

void append_csv_field(std::string& out, std::string_view field, char delimiter) {
  const size_t size = out.size();
  out.resize(size + 2 * field.size() + 2);
  out.resize(
      static_cast<size_t>(write_csv_field(out.data() + size, field, delimiter) - out.data()));
}

std::string to_csv(const Table& table, char delimiter) {
  std::string out;
  append_header(out, table, delimiter);
  const CsvRowFormatter formatter(table, delimiter);
  TextBuffer buffer;
  for (size_t begin = 0; begin < table.num_rows(); begin += kRowsPerBlock) {
    out.append(formatter.format(begin, std::min(table.num_rows(), begin + kRowsPerBlock), buffer));
  }
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
  const size_t rows = table.num_rows();
  rows_ += rows;
  const CsvRowFormatter formatter(table, delimiter_);
  if (rows <= kRowsPerBlock) {  // one block: no threads
    if (buffers_.empty()) buffers_.resize(1);
    file_.write(formatter.format(0, rows, buffers_[0]));
    return;
  }
  // Rounds of one block per thread. Threads format round k while this thread writes round
  // k - 1, so the kernel's copy into the page cache overlaps the formatting. The buffers stay
  // for the next batch.
  const size_t threads = std::max(1u, std::min(4u, std::thread::hardware_concurrency()));
  if (buffers_.size() < 2 * threads) buffers_.resize(2 * threads);
  const size_t round_rows = threads * kRowsPerBlock;
  auto write_round = [&](size_t round) {
    const size_t start = round * round_rows;
    for (size_t t = 0; t < threads && start + t * kRowsPerBlock < rows; ++t) {
      file_.write(buffers_[round % 2 * threads + t].text());
    }
  };
  size_t round = 0;
  for (size_t start = 0; start < rows; start += round_rows, ++round) {
    std::vector<std::thread> pool;
    for (size_t t = 0; t < threads && start + t * kRowsPerBlock < rows; ++t) {
      const size_t begin = start + t * kRowsPerBlock;
      const size_t end = std::min(rows, begin + kRowsPerBlock);
      TextBuffer& buffer = buffers_[round % 2 * threads + t];
      pool.emplace_back(
          [&formatter, &buffer, begin, end] { formatter.format(begin, end, buffer); });
    }
    try {
      if (round > 0) write_round(round - 1);
    } catch (...) {
      for (auto& thread : pool) thread.join();
      throw;
    }
    for (auto& thread : pool) thread.join();
  }
  write_round(round - 1);
}

}  // namespace mlops

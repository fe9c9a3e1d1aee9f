#include "mlops/io/csv/format.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <string>

#include "mlops/core/time.h"
#include "mlops/io/csv/number_text.h"

namespace mlops {
namespace {

// Upper bounds of one value's text, the delimiter aside. The writers may store scratch bytes
// past a value (at most kScratchBytes past its start), which the next value overwrites; the
// buffer has that much room after the last.
constexpr size_t kMaxIntBytes = 20;        // -9223372036854775808
constexpr size_t kMaxFloatBytes = 24;      // -2.2250738585072014e-308
constexpr size_t kMaxBoolBytes = 5;        // false
constexpr size_t kMaxTimestampBytes = 29;  // -292277-01-09 04:00:54.775808
constexpr size_t kScratchBytes = std::max(kInt64ScratchBytes, kDoubleScratchBytes);

constexpr int64_t kMicrosPerSecond = 1'000'000;

size_t max_value_bytes(DType type) {
  switch (type) {
    case DType::kInt64: return kMaxIntBytes;
    case DType::kFloat64: return kMaxFloatBytes;
    case DType::kBool: return kMaxBoolBytes;
    case DType::kTimestamp: return kMaxTimestampBytes;
    case DType::kString: return 2;  // the quotes; the text is counted per block
  }
  return 0;
}

bool needs_quotes(std::string_view field, char delimiter) {
  if (field.empty()) return false;
  auto blank = [](char c) { return c == ' ' || c == '\t'; };
  if (blank(field.front()) || blank(field.back())) return true;
  for (char c : field) {
    if (c == delimiter || c == '"' || c == '\r' || c == '\n') return true;
  }
  return false;
}

char* write_two_digits(char* out, unsigned value) {
  std::memcpy(out, &number_text_detail::kDigitPairs[2 * value], 2);
  return out + 2;
}

char* write_bool(char* out, bool value) {
  static constexpr char kText[2][8] = {"false", "true"};
  std::memcpy(out, kText[value], 5);
  return out + 5 - value;
}

/// Timestamps as "YYYY-MM-DD HH:MM:SS[.ffffff]" (format_timestamp's text), with the date of
/// the current day formatted once: consecutive rows mostly share a day.
class TimestampWriter {
 public:
  char* write(char* out, int64_t micros) {
    uint64_t in_day = static_cast<uint64_t>(micros) - static_cast<uint64_t>(day_start_);
    if (!valid_ || in_day >= static_cast<uint64_t>(kMicrosPerDay)) {
      // The day's first microsecond must be representable.
      if (micros < std::numeric_limits<int64_t>::min() + kMicrosPerDay) {
        const std::string text = format_timestamp(micros);
        std::memcpy(out, text.data(), text.size());
        return out + text.size();
      }
      start_day(micros);
      in_day = static_cast<uint64_t>(micros - day_start_);
    }
    std::memcpy(out, date_, sizeof date_);
    out += date_size_;
    const auto seconds = static_cast<unsigned>(in_day / kMicrosPerSecond);
    out = write_two_digits(out, seconds / 3600);
    *out++ = ':';
    out = write_two_digits(out, seconds / 60 % 60);
    *out++ = ':';
    out = write_two_digits(out, seconds % 60);
    const auto fraction = static_cast<unsigned>(in_day % kMicrosPerSecond);
    if (fraction != 0) {
      *out++ = '.';
      out = write_two_digits(out, fraction / 10'000);
      out = write_two_digits(out, fraction / 100 % 100);
      out = write_two_digits(out, fraction % 100);
    }
    return out;
  }

 private:
  void start_day(int64_t micros) {
    day_start_ = floor_day(micros) * kMicrosPerDay;
    const std::string text = format_timestamp(day_start_);  // "YYYY-MM-DD 00:00:00"
    date_size_ = text.find(' ') + 1;
    std::memcpy(date_, text.data(), std::min(date_size_, sizeof date_));
    valid_ = true;
  }

  int64_t day_start_ = 0;
  bool valid_ = false;
  char date_[16] = {};  // "YYYY-MM-DD " (longer for years beyond 9999)
  size_t date_size_ = 0;
};

}  // namespace

char* TextBuffer::reserve(size_t bytes) {
  if (bytes > capacity_) {
    data_ = std::make_unique_for_overwrite<char[]>(bytes);
    capacity_ = bytes;
  }
  size_ = 0;
  return data_.get();
}

char* write_csv_field(char* out, std::string_view field, char delimiter) {
  if (!needs_quotes(field, delimiter)) {
    std::memcpy(out, field.data(), field.size());
    return out + field.size();
  }
  *out++ = '"';
  for (char c : field) {
    if (c == '"') *out++ = '"';
    *out++ = c;
  }
  *out++ = '"';
  return out;
}

CsvRowFormatter::CsvRowFormatter(const Table& table, char delimiter)
    : delimiter_(delimiter), null_size_(table.num_columns() == 1 ? 2 : 0), fixed_row_bytes_(0) {
  for (const Column& column : table.columns()) {
    cells_.push_back({&column, column.type(), column.null_count() > 0, column.ints().data(),
                      column.floats().data()});
    fixed_row_bytes_ += std::max(max_value_bytes(column.type()), null_size_) + 1;
  }
}

size_t CsvRowFormatter::max_bytes(size_t begin, size_t end) const {
  size_t bytes = (end - begin) * fixed_row_bytes_ + kScratchBytes;
  if (begin == end) return bytes;
  for (const Cell& cell : cells_) {
    if (cell.type != DType::kString) continue;
    // The rows' text is contiguous; quoting at most doubles it.
    const char* first = cell.column->string_at(begin).data();
    const std::string_view last = cell.column->string_at(end - 1);
    bytes += 2 * static_cast<size_t>(last.data() + last.size() - first);
  }
  return bytes;
}

std::string_view CsvRowFormatter::format(size_t begin, size_t end, TextBuffer& buffer) const {
  char* out = buffer.reserve(max_bytes(begin, end));
  std::vector<TimestampWriter> timestamps(cells_.size());
  for (size_t row = begin; row < end; ++row) {
    for (size_t c = 0; c < cells_.size(); ++c) {
      const Cell& cell = cells_[c];
      if (cell.nullable && cell.column->is_null(row)) {
        std::memcpy(out, "\"\"", 2);
        out += null_size_;
      } else {
        switch (cell.type) {
          case DType::kInt64: out = write_int64(out, cell.ints[row]); break;
          case DType::kFloat64: out = write_double(out, cell.floats[row]); break;
          case DType::kBool: out = write_bool(out, cell.ints[row] != 0); break;
          case DType::kString:
            out = write_csv_field(out, cell.column->string_at(row), delimiter_);
            break;
          case DType::kTimestamp: out = timestamps[c].write(out, cell.ints[row]); break;
        }
      }
      *out++ = delimiter_;
    }
    out[-1] = '\n';
  }
  buffer.set_end(out);
  return buffer.text();
}

}  // namespace mlops

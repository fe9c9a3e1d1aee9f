#pragma once
// The CSV reader's first pass: one scan over the buffer that splits it into records and fields
// without typing anything. Fields point into the input; only fields whose text differs from
// their bytes (escaped quotes, text after a closing quote) are copied, into one shared buffer.
// Private to lib/mlops/io.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mlops::io_detail {

struct CsvFieldRef {
  size_t begin = 0;  // offset into the input, or into CsvScan::scratch
  uint32_t size = 0;
  uint32_t in_scratch = 0;  // 1 when the text lives in scratch
};

struct CsvRecordRef {
  size_t line = 0;                    // 1-based line where the record starts
  size_t raw_begin = 0, raw_end = 0;  // the record's bytes, without its line end
  size_t first_field = 0;             // index into CsvScan::fields
  size_t num_fields = 0;
  bool unterminated = false;  // a quoted field ran to the end of the input
};

class CsvScan {
 public:
  /// Splits `text` (which must outlive this object). A UTF-8 byte order mark at the start is
  /// skipped, and blank lines are skipped (they hold no record, but still count as lines).
  CsvScan(std::string_view text, char delimiter, char quote = '"');

  const std::vector<CsvRecordRef>& records() const { return records_; }
  std::string_view field(const CsvRecordRef& record, size_t index) const {
    const CsvFieldRef& ref = fields_[record.first_field + index];
    const char* base = ref.in_scratch ? scratch_.data() : text_.data();
    return std::string_view(base + ref.begin, ref.size);
  }
  std::string_view raw(const CsvRecordRef& record) const {
    return text_.substr(record.raw_begin, record.raw_end - record.raw_begin);
  }

 private:
  void scan_simple_line(size_t pos, size_t content_end);
  size_t scan_quoted_record(size_t pos, CsvRecordRef& record);
  void push_field(size_t begin, size_t end);
  void reserve_from_sample(size_t sampled_bytes);

  std::string_view text_;
  char delimiter_;
  char quote_;  // opens and closes a quoted field; doubled inside it
  size_t line_ = 1;
  std::vector<CsvRecordRef> records_;
  std::vector<CsvFieldRef> fields_;
  std::string scratch_;
};

}  // namespace mlops::io_detail

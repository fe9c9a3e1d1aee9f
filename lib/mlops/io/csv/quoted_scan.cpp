#include "mlops/io/csv/quoted_scan.h"

#include <algorithm>
#include <cstring>

namespace mlops::io_detail {
namespace {

constexpr size_t kSampleRecords = 1024;

size_t find_byte(std::string_view text, char byte, size_t from, size_t to) {
  const void* found = std::memchr(text.data() + from, byte, to - from);
  return found ? static_cast<size_t>(static_cast<const char*>(found) - text.data()) : to;
}

size_t count_newlines(std::string_view text, size_t from, size_t to) {
  return static_cast<size_t>(std::count(text.begin() + from, text.begin() + to, '\n'));
}

}  // namespace

CsvScan::CsvScan(std::string_view text, char delimiter, char quote)
    : text_(text), delimiter_(delimiter), quote_(quote) {
  const size_t n = text.size();
  // The reader strips a byte order mark at the start of the input (CsvReader::start()); at
  // the start of a later window it is data.
  size_t pos = 0;
  while (pos < n) {
    const size_t line_end = find_byte(text, '\n', pos, n);
    size_t content_end = line_end;
    if (content_end > pos && text[content_end - 1] == '\r') --content_end;
    if (content_end == pos) {  // blank line
      pos = line_end + 1;
      ++line_;
      continue;
    }
    CsvRecordRef record;
    record.line = line_;
    record.raw_begin = pos;
    record.first_field = fields_.size();
    // A line without a quote is a whole record (the common case): split it with memchr alone.
    if (find_byte(text, quote_, pos, content_end) == content_end) {
      record.raw_end = content_end;
      scan_simple_line(pos, content_end);
      pos = line_end + 1;
      ++line_;
    } else {
      pos = scan_quoted_record(pos, record);
    }
    record.num_fields = fields_.size() - record.first_field;
    records_.push_back(record);
    if (records_.size() == kSampleRecords) reserve_from_sample(pos);
  }
}

// Growing the vectors by doubling copies them again and again on big inputs; the first
// records predict the rest well enough.
void CsvScan::reserve_from_sample(size_t sampled_bytes) {
  const double scale = 1.1 * static_cast<double>(text_.size()) / static_cast<double>(sampled_bytes);
  records_.reserve(static_cast<size_t>(scale * static_cast<double>(records_.size())));
  fields_.reserve(static_cast<size_t>(scale * static_cast<double>(fields_.size())));
}

void CsvScan::scan_simple_line(size_t pos, size_t content_end) {
  while (true) {
    const size_t at = find_byte(text_, delimiter_, pos, content_end);
    push_field(pos, at);
    if (at == content_end) return;
    pos = at + 1;
  }
}

void CsvScan::push_field(size_t begin, size_t end) {
  fields_.push_back({begin, static_cast<uint32_t>(end - begin), 0});
}

// Field by field through a record that holds a quote; it may span lines. Returns the position
// after the record's line end.
size_t CsvScan::scan_quoted_record(size_t pos, CsvRecordRef& record) {
  const size_t n = text_.size();
  size_t line_end = find_byte(text_, '\n', pos, n);
  // Where an unquoted stretch from `from` ends: the next delimiter on its line, else the line
  // end. A quoted field may have carried us past the line first looked at.
  auto field_end = [&](size_t from) {
    if (from > line_end) line_end = find_byte(text_, '\n', from, n);
    return find_byte(text_, delimiter_, from, line_end);
  };
  // A '\r' just before the line end (or the end of input) belongs to a CRLF, not the field.
  auto trim_cr = [&](size_t begin, size_t end) {
    return (end > begin && text_[end - 1] == '\r' && (end == n || text_[end] == '\n')) ? end - 1
                                                                                       : end;
  };
  size_t i = pos;
  while (true) {
    if (i < n && text_[i] == quote_) {
      const size_t content_begin = i + 1;
      size_t segment = content_begin;
      bool in_scratch = false;
      size_t scratch_begin = 0;
      size_t closing = 0;
      while (true) {
        const size_t quote = find_byte(text_, quote_, segment, n);
        line_ += count_newlines(text_, segment, quote);
        if (quote == n) {  // the rest of the input is this one broken record
          record.unterminated = true;
          size_t end = n;
          if (end > pos && text_[end - 1] == '\n') --end;
          if (end > pos && text_[end - 1] == '\r') --end;
          record.raw_end = end;
          return n;
        }
        if (quote + 1 < n && text_[quote + 1] == quote_) {  // a doubled quote is one quote
          if (!in_scratch) {
            in_scratch = true;
            scratch_begin = scratch_.size();
          }
          scratch_.append(text_.substr(segment, quote + 1 - segment));
          segment = quote + 2;
          continue;
        }
        if (in_scratch) scratch_.append(text_.substr(segment, quote - segment));
        closing = quote;
        break;
      }
      // Text between the closing quote and the delimiter is not RFC 4180; keep it rather than
      // lose it, the way most readers do.
      i = field_end(closing + 1);
      const size_t tail_end = trim_cr(closing + 1, i);
      if (tail_end > closing + 1 && !in_scratch) {
        in_scratch = true;
        scratch_begin = scratch_.size();
        scratch_.append(text_.substr(content_begin, closing - content_begin));
      }
      if (in_scratch) {
        scratch_.append(text_.substr(closing + 1, tail_end - (closing + 1)));
        fields_.push_back(
            {scratch_begin, static_cast<uint32_t>(scratch_.size() - scratch_begin), 1});
      } else {
        push_field(content_begin, closing);
      }
    } else {
      const size_t begin = i;
      i = field_end(i);
      push_field(begin, trim_cr(begin, i));
    }
    if (i < n && text_[i] == delimiter_) {
      ++i;
      continue;
    }
    record.raw_end = trim_cr(record.raw_begin, i);
    if (i == n) return n;
    ++line_;
    return i + 1;
  }
}

}  // namespace mlops::io_detail

#include "mlops/io/csv/records.h"

#include <fmt/format.h>

#include <algorithm>

#include "mlops/core/value_parse.h"
#include "mlops/io/csv/block_masks.h"
#include "mlops/io/csv/quoted_scan.h"
#include "mlops/io/csv/reader.h"

namespace mlops::io_detail {

RecordParser::RecordParser(const RecordPlan& plan, std::vector<Column> reuse)
    : plan_(plan), nulls_(plan.options->null_values) {
  for (size_t c = 0; c < plan.types.size(); ++c) {
    const Column empty((*plan.names)[c], plan.types[c]);
    if (c < reuse.size()) {
      reuse[c] = empty;  // a copy assignment: the values go, the buffers' capacity stays
      columns_.push_back(std::move(reuse[c]));
    } else {
      columns_.push_back(empty);
    }
    any_allowed_ = any_allowed_ || plan.allowed[c] != nullptr;
  }
  timestamps_.resize(columns_.size());
  for (size_t c = 0; c < plan.formats.size() && c < timestamps_.size(); ++c) {
    timestamps_[c].set_format(plan.formats[c]);
  }
}

void RecordParser::reserve(size_t rows, size_t bytes) {
  // A string column's text is at most the part's; an equal share of it is a fair first guess.
  for (auto& column : columns_) column.reserve(rows, bytes / columns_.size());
}

void RecordParser::add(const std::string_view* fields, size_t num_fields, size_t line,
                       std::string_view raw) {
  const size_t record = records_++;
  const size_t width = columns_.size();
  if (num_fields != width) {
    reject(line, record, "", "", fmt::format("expected {} fields, found {}", width, num_fields),
           raw);
    return;
  }
  for (size_t c = 0; c < width; ++c) {
    const std::string_view text = fields[c];
    Column& column = columns_[c];
    if (nulls_.contains(text)) {
      column.push_null();
      continue;
    }
    if (any_allowed_ && plan_.allowed[c]) {
      if (auto reason = plan_.allowed[c]->reject(text)) {
        reject_partial(c, line, record, text, std::move(*reason), raw);
        return;
      }
    }
    bool parsed = true;
    switch (plan_.types[c]) {
      case DType::kInt64: {
        int64_t value = 0;
        if ((parsed = parse_int64_field(text, value, readable_end_))) column.push_int(value);
        break;
      }
      case DType::kFloat64: {
        const auto value = parse_double(text);
        if ((parsed = value.has_value())) column.push_float(*value);
        break;
      }
      case DType::kBool: {
        const auto value = parse_bool(text);
        if ((parsed = value.has_value())) column.push_bool(*value);
        break;
      }
      case DType::kTimestamp: {
        int64_t micros = 0;
        if ((parsed = timestamps_[c].parse(text, micros))) column.push_int(micros);
        break;
      }
      case DType::kString: column.push_string(text); break;
    }
    if (!parsed) {
      if (!plan_.declared[c]) throw_mismatch(c, text);
      const TimestampFormat* format = c < plan_.formats.size() ? plan_.formats[c] : nullptr;
      reject_partial(c, line, record, text,
                     format ? cannot_parse(text, *format) : cannot_parse(text, plan_.types[c]),
                     raw);
      return;
    }
  }
}

void RecordParser::reject_raw(size_t line, std::string reason, std::string_view raw) {
  reject(line, records_++, "", "", std::move(reason), raw);
}

Table RecordParser::finish() {
  if (!partial_rows_.empty()) {
    std::vector<size_t> kept;
    kept.reserve(columns_.front().size() - partial_rows_.size());
    auto drop = partial_rows_.begin();
    for (size_t row = 0; row < columns_.front().size(); ++row) {
      if (drop != partial_rows_.end() && *drop == row) {
        ++drop;
        continue;
      }
      kept.push_back(row);
    }
    for (auto& column : columns_) column = column.take(kept);
    partial_rows_.clear();
  }
  Table table;
  for (auto& column : columns_) table.add_column(std::move(column));
  columns_.clear();
  return table;
}

void RecordParser::reject_partial(size_t c, size_t line, size_t record, std::string_view text,
                                  std::string reason, std::string_view raw) {
  for (size_t k = c; k < columns_.size(); ++k) columns_[k].push_null();
  partial_rows_.push_back(columns_.front().size() - 1);
  reject(line, record, (*plan_.names)[c], text, std::move(reason), raw);
}

void RecordParser::reject(size_t line, size_t record, std::string column, std::string_view value,
                          std::string reason, std::string_view raw) {
  bad_.push_back({plan_.options->source_name, line, record, std::move(column), std::string(value),
                  std::move(reason), std::string(raw)});
}

void RecordParser::throw_mismatch(size_t c, std::string_view text) const {
  const DType widened = plan_.types[c] == DType::kInt64 && parses_as(DType::kFloat64, text)
                            ? DType::kFloat64
                            : DType::kString;
  throw CsvReader::InferenceMismatch{(*plan_.names)[c], widened};
}

bool parse_plain(std::string_view text, char delimiter, char quote, RecordParser& parser,
                 size_t& lines) {
  std::vector<std::string_view> fields(parser.width());
  LineSplitter splitter(text, delimiter, quote);
  parser.set_readable_end(text.data() + text.size());
  SplitLine line;
  while (splitter.next(line, fields)) {
    parser.add(fields.data(), line.num_fields, line.line, line.raw);
  }
  parser.set_readable_end(nullptr);
  lines = splitter.lines();
  return !splitter.found_quote();
}

void parse_quoted(std::string_view text, char delimiter, char quote, RecordParser& parser,
                  size_t& lines) {
  CsvScan scan(text, delimiter, quote);
  std::vector<std::string_view> fields;
  for (const auto& record : scan.records()) {
    if (record.unterminated) {
      parser.reject_raw(record.line, "unterminated quoted field", scan.raw(record));
      continue;
    }
    fields.resize(record.num_fields);
    for (size_t i = 0; i < record.num_fields; ++i) fields[i] = scan.field(record, i);
    parser.add(fields.data(), fields.size(), record.line, scan.raw(record));
  }
  lines = static_cast<size_t>(std::count(text.begin(), text.end(), '\n'));
}

}  // namespace mlops::io_detail

#include "mlops/io/csv_reader.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <exception>
#include <thread>
#include <unordered_set>

#include "mlops/core/error.h"
#include "mlops/core/suggest.h"
#include "mlops/io/csv_scan.h"
#include "mlops/io/csv_typed_field.h"
#include "mlops/io/typing.h"

namespace mlops {

namespace {

using io_detail::FieldParser;
using io_detail::ParsedField;

constexpr size_t kSampleBytes = 1 << 20;       // text used to infer undeclared types
constexpr size_t kMinParallelBytes = 1 << 20;  // below this one thread is faster

/// What every part of a window needs to turn fields into typed values; read-only while parsing.
struct Plan {
  const std::vector<std::string>* names;
  std::vector<DType> types;
  std::vector<bool> declared;
  std::vector<std::unique_ptr<io_detail::DeclaredCheck>> allowed;  // declared with values only
  const ReadOptions* options;
};

/// Types the records of one part of a window into its own columns.
class RecordParser {
 public:
  explicit RecordParser(const Plan& plan) : plan_(plan), nulls_(plan.options->null_values) {
    for (size_t c = 0; c < plan.types.size(); ++c)
      columns.emplace_back((*plan.names)[c], plan.types[c]);
    values_.resize(plan.types.size());
  }

  void reserve(size_t rows) {
    for (auto& column : columns) column.reserve(rows);
  }

  /// Adds one record; `line` and `record` are relative to the part, fixed up by the caller.
  void add(const std::string_view* fields, size_t num_fields, size_t line, std::string_view raw) {
    const size_t record = records++;
    const size_t expected = plan_.types.size();
    if (num_fields != expected) {
      reject(line, record, "", "",
             fmt::format("expected {} fields, found {}", expected, num_fields), raw);
      return;
    }
    for (size_t c = 0; c < expected; ++c) {
      std::string_view text = fields[c];
      ParsedField& value = values_[c];
      if (nulls_.contains(text)) {
        value.null = true;
        continue;
      }
      if (!parser_.parse(plan_.types[c], text, value)) {
        if (!plan_.declared[c]) throw_mismatch(c, text);
        reject(line, record, (*plan_.names)[c], text, io_detail::cannot_parse(text, plan_.types[c]),
               raw);
        return;
      }
      if (plan_.allowed[c]) {
        if (auto reason = plan_.allowed[c]->reject(text)) {
          reject(line, record, (*plan_.names)[c], text, std::move(*reason), raw);
          return;
        }
      }
    }
    for (size_t c = 0; c < expected; ++c) io_detail::push_parsed(columns[c], values_[c]);
  }

  void reject_raw(size_t line, std::string reason, std::string_view raw) {
    reject(line, records++, "", "", std::move(reason), raw);
  }

  std::vector<Column> columns;
  std::vector<BadRecord> bad;
  size_t records = 0;

 private:
  void reject(size_t line, size_t record, std::string column, std::string_view value,
              std::string reason, std::string_view raw) {
    bad.push_back({plan_.options->source_name, line, record, std::move(column), std::string(value),
                   std::move(reason), std::string(raw)});
  }

  [[noreturn]] void throw_mismatch(size_t c, std::string_view text) {
    DType widened = plan_.types[c] == DType::kInt64 && io_detail::parses_as(DType::kFloat64, text)
                        ? DType::kFloat64
                        : DType::kString;
    throw CsvReader::InferenceMismatch{(*plan_.names)[c], widened};
  }

  const Plan& plan_;
  io_detail::NullValues nulls_;
  FieldParser parser_;
  std::vector<ParsedField> values_;
};

/// Parses quote-free text of whole lines: every line is one record.
void parse_plain(std::string_view text, char delimiter, RecordParser& parser, size_t& lines) {
  std::vector<std::string_view> fields(parser.columns.size() + 1);
  const char* p = text.data();
  const char* end = p + text.size();
  size_t line = 0;
  while (p < end) {
    const char* eol = static_cast<const char*>(std::memchr(p, '\n', static_cast<size_t>(end - p)));
    if (!eol) eol = end;
    const char* content_end = eol > p && eol[-1] == '\r' ? eol - 1 : eol;
    ++line;
    if (content_end != p) {
      size_t n = 0;
      const char* field = p;
      for (const char* q = p;; ++q) {
        if (q == content_end || *q == delimiter) {
          if (n < fields.size())
            fields[n] = std::string_view(field, static_cast<size_t>(q - field));
          ++n;
          if (q == content_end) break;
          field = q + 1;
        }
      }
      parser.add(fields.data(), n, line, std::string_view(p, static_cast<size_t>(content_end - p)));
    }
    p = eol + 1;
  }
  lines = line;
}

/// Parses text that may hold quoted fields (the exact, single-threaded scanner).
void parse_quoted(std::string_view text, char delimiter, RecordParser& parser, size_t& lines) {
  io_detail::CsvScan scan(text, delimiter);
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

/// Where the last complete record of `text` ends (after its newline), tracking quotes;
/// 0 when no record is complete.
size_t complete_records_end(std::string_view text) {
  if (text.find('"') == std::string_view::npos) {
    size_t newline = text.rfind('\n');
    return newline == std::string_view::npos ? 0 : newline + 1;
  }
  bool quoted = false;
  size_t end = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '"')
      quoted = !quoted;  // "" inside quotes toggles twice: still quoted
    else if (c == '\n' && !quoted)
      end = i + 1;
  }
  return end;
}

}  // namespace

struct CsvReader::Impl {
  Plan plan;
};

CsvReader::CsvReader(const std::string& path, ReadOptions options, size_t window_bytes)
    : options_(std::move(options)), window_bytes_(window_bytes) {
  if (options_.source_name.empty() || options_.source_name == ReadOptions().source_name) {
    options_.source_name = path;
  }
  file_ = std::fopen(path.c_str(), "rb");
  if (!file_) throw IoError("{}: cannot open: {}", path, std::strerror(errno));
  if (std::fseek(file_, 0, SEEK_END) == 0) {
    total_bytes_ = static_cast<size_t>(std::max(0L, std::ftell(file_)));
    std::fseek(file_, 0, SEEK_SET);
  }
  start();
}

CsvReader::CsvReader(std::string_view text, ReadOptions options)
    : options_(std::move(options)), memory_(text), window_bytes_(16 << 20) {
  window_ = memory_.substr(0, 0);
  total_bytes_ = text.size();
  start();
}

CsvReader::~CsvReader() {
  if (file_) std::fclose(file_);
}

bool CsvReader::fill_window() {
  // Keeps the unparsed tail and appends up to window_bytes_ more input.
  if (eof_) return !window_.empty();
  if (!file_) {
    // The window is always a view into memory_: widen it by up to window_bytes_.
    const size_t take = std::min(window_bytes_, memory_.size() - memory_pos_);
    const size_t begin = static_cast<size_t>(window_.data() - memory_.data());
    memory_pos_ += take;
    eof_ = memory_pos_ == memory_.size();
    window_ = memory_.substr(begin, memory_pos_ - begin);
    return !window_.empty();
  }
  // The new buffer starts where the unparsed text does: advance the file offset of its start.
  buffer_offset_ +=
      window_.empty() ? buffer_.size() : static_cast<size_t>(window_.data() - buffer_.data());
  std::string next;
  size_t want = std::min(window_bytes_, file_remaining_);
  // A small file gets a small buffer (zero-filling 16 MB costs a 300-row file milliseconds);
  // one byte more than the file has left, so that the short read finds its end.
  const size_t buffered_end = buffer_offset_ + window_.size();
  if (total_bytes_ > buffered_end) want = std::min(want, total_bytes_ - buffered_end + 1);
  next.reserve(window_.size() + want);
  next.append(window_);
  const size_t old = next.size();
  next.resize(old + want);
  const size_t got = std::fread(next.data() + old, 1, want, file_);
  if (file_remaining_ != SIZE_MAX) file_remaining_ -= got;
  if (got < want || file_remaining_ == 0) {
    if (std::ferror(file_))
      throw IoError("{}: read failed: {}", options_.source_name, std::strerror(errno));
    eof_ = true;
  }
  next.resize(old + got);
  buffer_ = std::move(next);
  window_ = buffer_;
  return !window_.empty();
}

void CsvReader::start() {
  impl_ = std::make_unique<Impl>();
  fill_window();
  if (window_.substr(0, 3) == "\xEF\xBB\xBF") window_.remove_prefix(3);
  read_header();
  if (options_.shard_count > 1) seek_to_shard();
  infer_types();
}

size_t CsvReader::line_start_at_or_after(size_t offset) {
  if (offset >= total_bytes_) return total_bytes_;
  if (!file_) {
    if (offset == 0 || memory_[offset - 1] == '\n') return offset;
    const size_t newline = memory_.find('\n', offset);
    return newline == std::string_view::npos ? total_bytes_ : newline + 1;
  }
  if (offset == 0) return 0;
  std::fseek(file_, static_cast<long>(offset - 1), SEEK_SET);
  size_t position = offset - 1;
  char chunk[4096];
  while (size_t got = std::fread(chunk, 1, sizeof chunk, file_)) {
    if (const void* hit = std::memchr(chunk, '\n', got)) {
      return position + static_cast<size_t>(static_cast<const char*>(hit) - chunk) + 1;
    }
    position += got;
  }
  return total_bytes_;
}

void CsvReader::seek_to_shard() {
  if (file_ && total_bytes_ == 0) {
    throw IoError("{}: reading a shard needs a regular file whose size is known (not a pipe)",
                  options_.source_name);
  }
  // The header has been consumed; the window's start is the first data byte.
  const char* base = file_ ? buffer_.data() : memory_.data();
  const size_t data_start =
      (file_ ? buffer_offset_ : 0) + static_cast<size_t>(window_.data() - base);
  const size_t k = options_.shard_index, n = options_.shard_count;
  auto boundary = [&](size_t index) {
    if (index == 0) return data_start;
    if (index >= n) return total_bytes_;
    const size_t offset =
        static_cast<size_t>(static_cast<unsigned __int128>(total_bytes_) * index / n);
    return std::max(data_start, line_start_at_or_after(offset));
  };
  const size_t begin = boundary(k), end = std::max(begin, boundary(k + 1));
  // Line numbers in quarantine messages stay true: count the lines before the shard.
  size_t lines_before = 0;
  if (file_) {
    std::fseek(file_, static_cast<long>(data_start), SEEK_SET);
    std::string chunk(1 << 16, '\0');
    for (size_t left = begin - data_start; left > 0;) {
      const size_t got = std::fread(chunk.data(), 1, std::min(left, chunk.size()), file_);
      if (got == 0) break;
      lines_before += static_cast<size_t>(std::count(chunk.data(), chunk.data() + got, '\n'));
      left -= got;
    }
    std::fseek(file_, static_cast<long>(begin), SEEK_SET);
    buffer_.clear();
    buffer_offset_ = begin;
    window_ = std::string_view();
    file_remaining_ = end - begin;
    eof_ = file_remaining_ == 0;
  } else {
    lines_before =
        static_cast<size_t>(std::count(memory_.begin() + static_cast<long>(data_start),
                                       memory_.begin() + static_cast<long>(begin), '\n'));
    memory_ = memory_.substr(0, end);
    memory_pos_ = begin;
    window_ = memory_.substr(begin, 0);
    eof_ = begin == end;
  }
  line_ += lines_before;
  records_ += lines_before;
  consumed_total_ = begin;
  if (!eof_) fill_window();
}

void CsvReader::read_header() {
  const std::string& source = options_.source_name;
  // Skip blank lines before the header, counting them.
  while (!window_.empty() && (window_.front() == '\n' || window_.substr(0, 2) == "\r\n")) {
    window_.remove_prefix(window_.front() == '\n' ? 1 : 2);
    ++line_;
  }
  size_t end = complete_records_end(window_);
  while (end == 0 && !eof_) {
    window_bytes_ *= 2;  // a header longer than the window: grow it
    fill_window();
    end = complete_records_end(window_);
  }
  if (end == 0) end = window_.size();
  // The header is the first record of that text.
  const std::string_view head = window_.substr(0, end);
  io_detail::CsvScan scan(head, options_.delimiter);
  if (scan.records().empty())
    throw DataError("{}: the input is empty (a header row is expected)", source);
  const auto& header = scan.records().front();
  if (header.unterminated)
    throw DataError("{}:{}: unterminated quoted field in the header", source, line_);
  std::unordered_set<std::string> seen;
  for (size_t i = 0; i < header.num_fields; ++i) {
    std::string_view name = scan.field(header, i);
    // pandas writes its index under an empty name; give such a column a usable one.
    names_.push_back(name.empty() ? "unnamed_" + std::to_string(i) : std::string(name));
    if (!seen.insert(names_.back()).second) {
      throw DataError("{}: column '{}' appears more than once in the header", source,
                      names_.back());
    }
  }
  // Consume the header record: up to its line end.
  size_t header_end = header.raw_end;
  while (header_end < head.size() && head[header_end] != '\n') ++header_end;
  line_ += static_cast<size_t>(std::count(
      head.begin(), head.begin() + static_cast<long>(std::min(header_end + 1, head.size())), '\n'));
  window_.remove_prefix(std::min(header_end + 1, window_.size()));
  consumed_total_ += header_end + 1;

  declared_.assign(names_.size(), nullptr);
  for (const auto& decl : options_.declared) {
    auto it = std::find(names_.begin(), names_.end(), decl.name);
    if (it == names_.end()) {
      throw DataError(
          "{}: column '{}' declared in the schema is missing from the header (columns: {}){}",
          source, decl.name, fmt::join(names_, ", "), did_you_mean(decl.name, names_));
    }
    auto& slot = declared_[static_cast<size_t>(it - names_.begin())];
    if (!slot) slot = &decl;
  }
}

void CsvReader::infer_types() {
  // Undeclared columns take the narrowest type that holds every sampled value; a later value
  // that does not fit makes read_csv_file restart with the column widened.
  std::vector<std::vector<std::string_view>> samples(names_.size());
  bool any_inferred = std::find(declared_.begin(), declared_.end(), nullptr) != declared_.end();
  std::string_view sample =
      window_.substr(0, complete_records_end(window_.substr(0, kSampleBytes)));
  if (eof_ && window_.size() <= kSampleBytes) sample = window_;
  std::unique_ptr<io_detail::CsvScan> scan;
  if (any_inferred) {
    scan = std::make_unique<io_detail::CsvScan>(sample, options_.delimiter);
    io_detail::NullValues nulls(options_.null_values);
    for (const auto& record : scan->records()) {
      if (record.unterminated || record.num_fields != names_.size()) continue;
      for (size_t c = 0; c < names_.size(); ++c) {
        if (declared_[c]) continue;
        std::string_view text = scan->field(record, c);
        samples[c].push_back(nulls.contains(text) ? std::string_view() : text);
      }
    }
  }
  Plan& plan = impl_->plan;
  plan.names = &names_;
  plan.options = &options_;
  for (size_t c = 0; c < names_.size(); ++c) {
    DType type = declared_[c] ? declared_[c]->type : io_detail::infer_text_type(samples[c]);
    schema_.push_back({names_[c], type});
    plan.types.push_back(type);
    plan.declared.push_back(declared_[c] != nullptr);
    plan.allowed.push_back(declared_[c] && !declared_[c]->allowed.empty()
                               ? std::make_unique<io_detail::DeclaredCheck>(*declared_[c])
                               : nullptr);
  }
}

bool CsvReader::next(Table& batch, std::vector<BadRecord>& bad) {
  batch = Table();
  // Top the window up to a full window (it may hold a partial record from the last batch).
  if (!eof_ && window_.size() < window_bytes_) fill_window();
  if (window_.empty()) return false;
  size_t end = complete_records_end(window_);
  while (end == 0 && !eof_) {
    window_bytes_ *= 2;  // one record longer than the window
    fill_window();
    end = complete_records_end(window_);
  }
  if (eof_ && end < window_.size()) end = window_.size();  // last record without a newline
  const std::string_view text = window_.substr(0, end);
  const bool quoted = text.find('"') != std::string_view::npos;

  // Split quote-free text at newlines, one part per thread.
  const unsigned threads = quoted || text.size() < kMinParallelBytes
                               ? 1
                               : std::max(1u, std::min(4u, std::thread::hardware_concurrency()));
  std::vector<std::string_view> parts;
  size_t from = 0;
  for (unsigned t = 1; t < threads; ++t) {
    size_t cut = text.find('\n', text.size() * t / threads);
    if (cut == std::string_view::npos || cut < from) continue;
    parts.push_back(text.substr(from, cut + 1 - from));
    from = cut + 1;
  }
  parts.push_back(text.substr(from));

  const Plan& plan = impl_->plan;
  std::vector<std::unique_ptr<RecordParser>> parsers;
  std::vector<size_t> lines(parts.size(), 0);
  std::vector<std::exception_ptr> errors(parts.size());
  for (size_t i = 0; i < parts.size(); ++i) parsers.push_back(std::make_unique<RecordParser>(plan));
  auto work = [&](size_t i) {
    try {
      parsers[i]->reserve(static_cast<size_t>(std::count(parts[i].begin(), parts[i].end(), '\n')) +
                          1);
      if (quoted) {
        parse_quoted(parts[i], options_.delimiter, *parsers[i], lines[i]);
      } else {
        parse_plain(parts[i], options_.delimiter, *parsers[i], lines[i]);
      }
    } catch (...) {
      errors[i] = std::current_exception();
    }
  };
  std::vector<std::thread> pool;
  for (size_t i = 1; i < parts.size(); ++i) pool.emplace_back(work, i);
  work(0);
  for (auto& thread : pool) thread.join();
  for (auto& error : errors) {
    if (error) std::rethrow_exception(error);
  }

  // Merge the parts in order, fixing up line numbers and record indices.
  for (size_t c = 0; c < names_.size(); ++c) {
    Column merged = std::move(parsers[0]->columns[c]);
    for (size_t i = 1; i < parsers.size(); ++i) {
      merged.append(parsers[i]->columns[c]);
      parsers[i]->columns[c].clear();
    }
    batch.add_column(std::move(merged));
  }
  size_t line = line_, record = records_;
  for (size_t i = 0; i < parsers.size(); ++i) {
    for (auto& entry : parsers[i]->bad) {
      entry.line += line - 1;
      entry.record += record;
      bad.push_back(std::move(entry));
    }
    line += lines[i];
    record += parsers[i]->records;
  }
  line_ = line;
  records_ = record;
  consumed_total_ += end;
  window_.remove_prefix(end);
  return true;
}

}  // namespace mlops

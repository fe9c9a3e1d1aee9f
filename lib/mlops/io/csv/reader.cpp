#include "mlops/io/csv/reader.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <deque>
#include <exception>
#include <iterator>
#include <mutex>
#include <thread>
#include <unordered_set>
#include <utility>

#include "mlops/core/error.h"
#include "mlops/core/suggest.h"
#include "mlops/io/csv/quoted_scan.h"
#include "mlops/io/csv/records.h"
#include "mlops/io/typing.h"

namespace mlops {

namespace {

using io_detail::RecordParser;

constexpr size_t kSampleBytes = 1 << 20;       // text used to infer undeclared types
constexpr size_t kMinParallelBytes = 1 << 20;  // below this one thread is faster
constexpr size_t kPartBytes = 4 << 20;         // parts of a window handed to threads
constexpr size_t kMaxSpareBatches = 4;         // batches' columns kept for reuse

unsigned parse_threads() {
  return std::max(1u, std::min(4u, std::thread::hardware_concurrency()));
}

/// Quote-free text cut at line ends into parts of about kPartBytes, at least one per thread
/// (one part when the text is small).
std::vector<std::string_view> cut_at_lines(std::string_view text) {
  const size_t count = text.size() < kMinParallelBytes
                           ? 1
                           : std::max<size_t>(parse_threads(), text.size() / kPartBytes);
  std::vector<std::string_view> parts;
  size_t from = 0;
  for (size_t k = 1; k < count; ++k) {
    const size_t cut = text.find('\n', text.size() * k / count);
    if (cut == std::string_view::npos || cut < from) continue;
    parts.push_back(text.substr(from, cut + 1 - from));
    from = cut + 1;
  }
  parts.push_back(text.substr(from));
  return parts;
}

/// Record ends (after their newline) in `text`, found as CsvScan splits records: a quote opens
/// a quoted field only at the start of a field (where "" is one quote and a newline is text);
/// anywhere else it is text. Counting every quote instead would cut a window inside a quoted
/// field after a stray quote (5'10" in an unquoted field), so where records end would depend on
/// the window size. Stops after the first end when `first_only`; 0 when no record ends.
size_t record_end(std::string_view text, char delimiter, char quote, bool first_only) {
  if (!first_only && text.find(quote) == std::string_view::npos) {
    const size_t newline = text.rfind('\n');
    return newline == std::string_view::npos ? 0 : newline + 1;
  }
  bool field_start = true;
  bool quoted = false;
  size_t end = 0;
  // A byte order mark is stripped once, at the start of the input (start()); one at the start
  // of a later window is data, as it is to CsvScan (found by tests/fuzz/fuzz_csv: skipping it
  // there made a quote after it open a field, and the windowed read lost records).
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == quote) {
        if (i + 1 < text.size() && text[i + 1] == quote) {
          ++i;  // a doubled quote is one quote
        } else {
          quoted = false;
        }
      }
      continue;
    }
    if (c == quote && field_start) {
      quoted = true;
      field_start = false;
    } else if (c == '\n') {
      end = i + 1;
      if (first_only) break;
      field_start = true;
    } else {
      field_start = c == delimiter;
    }
  }
  return end;
}

/// About how many lines `text` holds, a little more rather than less, from the lines of its
/// first 64 KB (counting them all would be one more pass over the text).
size_t estimate_lines(std::string_view text) {
  const std::string_view head = text.substr(0, 64 << 10);
  const auto lines = static_cast<size_t>(std::count(head.begin(), head.end(), '\n')) + 1;
  if (head.size() == text.size()) return lines;
  return static_cast<size_t>(static_cast<double>(lines) * 1.1 *
                             (static_cast<double>(text.size()) / static_cast<double>(head.size())));
}

}  // namespace

/// One part of a parsed window, handed out by next() as a batch.
struct CsvReader::Part {
  Table table;
  std::vector<BadRecord> bad;
  size_t records = 0;  // good and bad
  size_t bytes = 0;    // of input text
};

struct CsvReader::ParsedText {
  Part part;
  size_t lines = 0;
  bool found_quote = false;  // plain text only: typing stopped at a quote
  std::exception_ptr error;
};

struct CsvReader::Impl {
  io_detail::RecordPlan plan;
  std::deque<Part> ready;  // parsed parts not handed out yet, in input order
  // The window after them, parsed on this thread while the caller works on the ready parts.
  std::thread prefetch;
  std::vector<Part> prefetched;
  std::exception_ptr prefetch_error;
  // The columns of batches the caller is done with, refilled by later parts: their memory is
  // paged in already (fresh memory costs a page fault per 4 KB, which was a sixth of the read).
  std::mutex spare_mutex;
  std::vector<std::vector<Column>> spare;

  /// Keeps the columns of a batch of this reader's schema for reuse (a few batches' worth).
  void recycle(Table& batch) {
    if (batch.num_columns() != plan.types.size()) return;
    for (size_t c = 0; c < batch.num_columns(); ++c) {
      if (batch.columns()[c].type() != plan.types[c]) return;
    }
    std::vector<Column> columns;
    for (size_t c = 0; c < batch.num_columns(); ++c) {
      columns.push_back(std::move(batch.mutable_column(c)));
    }
    const std::lock_guard lock(spare_mutex);
    if (spare.size() < kMaxSpareBatches) spare.push_back(std::move(columns));
  }
  /// Columns to refill, or none.
  std::vector<Column> take_spare() {
    const std::lock_guard lock(spare_mutex);
    if (spare.empty()) return {};
    std::vector<Column> columns = std::move(spare.back());
    spare.pop_back();
    return columns;
  }
};

CsvReader::CsvReader(const std::string& path, ReadOptions options, size_t window_bytes)
    : options_(std::move(options)), window_bytes_(window_bytes) {
  if (options_.source_name.empty() || options_.source_name == ReadOptions().source_name) {
    options_.source_name = path;
  }
  file_ = std::fopen(path.c_str(), "rb");
  if (!file_) throw IoError("{}: cannot open: {}", path, std::strerror(errno));
  // A regular file is mapped and read like text in memory: no copy into a buffer per window,
  // and the pages a window parsed are given back as the next one starts (release_parsed).
  // Pipes and anything mmap refuses are read through the FILE.
  struct stat info {};
  if (::fstat(::fileno(file_), &info) == 0 && S_ISREG(info.st_mode) && info.st_size > 0) {
    const auto size = static_cast<size_t>(info.st_size);
    void* map = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, ::fileno(file_), 0);
    if (map != MAP_FAILED) {
      ::madvise(map, size, MADV_SEQUENTIAL);
      std::fclose(file_);
      file_ = nullptr;
      memory_ = std::string_view(static_cast<const char*>(map), size);
      mapped_ = true;
      window_ = memory_.substr(0, 0);
      total_bytes_ = size;
      start();
      return;
    }
  }
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
  if (impl_ && impl_->prefetch.joinable()) impl_->prefetch.join();
  if (file_) std::fclose(file_);
  if (mapped_) ::munmap(const_cast<char*>(memory_.data()), total_bytes_);
}

void CsvReader::release_parsed(size_t parsed) {
  // Parsed bytes are never read again; dropping their pages keeps a mapped file's resident
  // memory at about two windows (the page cache keeps them).
  const auto page = static_cast<size_t>(::sysconf(_SC_PAGESIZE));
  parsed = parsed / page * page;
  if (parsed <= released_) return;
  ::madvise(const_cast<char*>(memory_.data()) + released_, parsed - released_, MADV_DONTNEED);
  released_ = parsed;
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
  records_delivered_ = records_;
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
    // A chunk at a time, each chunk's pages given back once counted: a late shard would
    // otherwise have every page before it resident at once (3/4 of the file for the last of 4).
    constexpr size_t kCountChunk = 4 << 20;
    for (size_t at = data_start; at < begin;) {
      const size_t chunk_end = std::min(begin, at + kCountChunk);
      lines_before +=
          static_cast<size_t>(std::count(memory_.begin() + static_cast<long>(at),
                                         memory_.begin() + static_cast<long>(chunk_end), '\n'));
      if (mapped_) release_parsed(chunk_end);
      at = chunk_end;
    }
    memory_ = memory_.substr(0, end);
    memory_pos_ = begin;
    window_ = memory_.substr(begin, 0);
    eof_ = begin == end;
  }
  line_ += lines_before;
  records_ += lines_before;
  consumed_total_ = begin;
  shard_begin_ = begin;
  shard_end_ = end;
  if (!eof_) fill_window();
}

void CsvReader::read_header() {
  const std::string& source = options_.source_name;
  // Skip blank lines before the header, counting them.
  while (!window_.empty() && (window_.front() == '\n' || window_.substr(0, 2) == "\r\n")) {
    window_.remove_prefix(window_.front() == '\n' ? 1 : 2);
    ++line_;
  }
  // The header is the first record: scan only its text, not the whole window.
  size_t end = record_end(window_, options_.delimiter, options_.quote, true);
  while (end == 0 && !eof_) {
    window_bytes_ *= 2;  // a header longer than the window: grow it
    fill_window();
    end = record_end(window_, options_.delimiter, options_.quote, true);
  }
  if (end == 0) end = window_.size();
  std::string_view head = window_.substr(0, end);
  auto scan = std::make_unique<io_detail::CsvScan>(head, options_.delimiter, options_.quote);
  // A quote inside an unquoted field can end the count above too early (the scanner keeps such
  // a quote as text): then the header is the first record of every complete record.
  if (!scan->records().empty() && scan->records().front().unterminated) {
    if (const size_t whole = record_end(window_, options_.delimiter, options_.quote, false);
        whole > end) {
      head = window_.substr(0, whole);
      scan = std::make_unique<io_detail::CsvScan>(head, options_.delimiter, options_.quote);
    }
  }
  if (scan->records().empty())
    throw DataError("{}: the input is empty (a header row is expected)", source);
  const auto& header = scan->records().front();
  if (header.unterminated)
    throw DataError("{}:{}: unterminated quoted field in the header", source, line_);
  std::unordered_set<std::string> seen;
  for (size_t i = 0; i < header.num_fields; ++i) {
    std::string_view name = scan->field(header, i);
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
  std::string_view sample = window_.substr(
      0, record_end(window_.substr(0, kSampleBytes), options_.delimiter, options_.quote, false));
  if (eof_ && window_.size() <= kSampleBytes) sample = window_;
  std::unique_ptr<io_detail::CsvScan> scan;
  if (any_inferred) {
    scan = std::make_unique<io_detail::CsvScan>(sample, options_.delimiter, options_.quote);
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
  io_detail::RecordPlan& plan = impl_->plan;
  plan.names = &names_;
  plan.options = &options_;
  for (size_t c = 0; c < names_.size(); ++c) {
    DType type = declared_[c] ? declared_[c]->type : io_detail::infer_text_type(samples[c]);
    schema_.push_back({names_[c], type});
    plan.types.push_back(type);
    plan.declared.push_back(declared_[c] != nullptr);
    plan.formats.push_back(declared_[c] ? declared_[c]->format.get() : nullptr);
    plan.allowed.push_back(declared_[c] && !declared_[c]->allowed.empty()
                               ? std::make_unique<io_detail::DeclaredCheck>(*declared_[c])
                               : nullptr);
  }
}

bool CsvReader::next(Table& batch, std::vector<BadRecord>& bad) {
  Impl& impl = *impl_;
  impl.recycle(batch);
  batch = Table();
  if (impl.ready.empty()) {
    std::vector<Part> parts;
    if (impl.prefetch.joinable()) {
      impl.prefetch.join();
      if (impl.prefetch_error) std::rethrow_exception(std::exchange(impl.prefetch_error, nullptr));
      parts = std::move(impl.prefetched);
    } else {
      parts = parse_window();
    }
    if (parts.empty()) return false;
    for (auto& part : parts) impl.ready.push_back(std::move(part));
    const size_t parsed = mapped_ ? static_cast<size_t>(window_.data() - memory_.data()) : 0;
    // Parse the next window while the caller checks, scores or appends these parts.
    if (!eof_ || !window_.empty()) {
      impl.prefetch = std::thread([this] {
        try {
          impl_->prefetched = parse_window();
        } catch (...) {
          impl_->prefetch_error = std::current_exception();
        }
      });
    }
    if (mapped_) release_parsed(parsed);
  }
  Part& part = impl.ready.front();
  batch = std::move(part.table);
  bad.insert(bad.end(), std::make_move_iterator(part.bad.begin()),
             std::make_move_iterator(part.bad.end()));
  records_delivered_ += part.records;
  consumed_total_ += part.bytes;
  impl.ready.pop_front();
  return true;
}

size_t CsvReader::whole_records_end(bool quoted) {
  auto records_end = [&] {
    if (quoted) return record_end(window_, options_.delimiter, options_.quote, false);
    const size_t newline = window_.rfind('\n');
    return newline == std::string_view::npos ? 0 : newline + 1;
  };
  size_t end = records_end();
  while (end == 0 && !eof_) {
    window_bytes_ *= 2;  // one record longer than the window
    fill_window();
    end = records_end();
  }
  if (eof_ && end < window_.size()) end = window_.size();  // last record without a newline
  return end;
}

std::vector<CsvReader::Part> CsvReader::parse_window() {
  // Another window of input after what is left (a partial record from the last window); not
  // after the header, which leaves the first window nearly whole.
  if (!eof_ && window_.size() < window_bytes_ / 2) fill_window();
  if (window_.empty()) return {};
  // Most text holds no quote: then every line is a record, any line end a safe cut, and the
  // parts are typed on all cores. The splitter stops at a quote, and a window with one is typed
  // again by the exact scanner, on one thread.
  size_t end = whole_records_end(false);
  std::vector<ParsedText> parsed = parse_texts(cut_at_lines(window_.substr(0, end)), false);
  for (const auto& text : parsed) {
    if (text.error) break;  // thrown before any quote: stands
    if (text.found_quote) {
      end = whole_records_end(true);
      parsed = parse_texts({window_.substr(0, end)}, true);
      break;
    }
  }
  for (auto& text : parsed) {
    if (text.error) std::rethrow_exception(text.error);
  }

  // Line numbers and record indices from the start of the input.
  std::vector<Part> parts;
  for (auto& text : parsed) {
    for (auto& entry : text.part.bad) {
      entry.line += line_ - 1;
      entry.record += records_;
    }
    line_ += text.lines;
    records_ += text.part.records;
    parts.push_back(std::move(text.part));
  }
  window_.remove_prefix(end);
  return parts;
}

std::vector<CsvReader::ParsedText> CsvReader::parse_texts(std::vector<std::string_view> texts,
                                                          bool quoted) {
  std::vector<ParsedText> parsed(texts.size());
  auto parse = [&](size_t i) {
    ParsedText& out = parsed[i];
    try {
      RecordParser parser(impl_->plan, impl_->take_spare());
      parser.reserve(estimate_lines(texts[i]), texts[i].size());
      if (quoted) {
        io_detail::parse_quoted(texts[i], options_.delimiter, options_.quote, parser, out.lines);
      } else if (!io_detail::parse_plain(texts[i], options_.delimiter, options_.quote, parser,
                                         out.lines)) {
        out.found_quote = true;
        return;
      }
      out.part.table = parser.finish();
      out.part.bad = std::move(parser.bad());
      out.part.records = parser.records();
      out.part.bytes = texts[i].size();
    } catch (...) {
      out.error = std::current_exception();
    }
  };
  // Threads take the next part as they finish one, so a thread slowed by other work (the
  // caller checking the previous window, another process) holds up less.
  const size_t workers = std::min<size_t>(texts.size(), parse_threads());
  std::atomic<size_t> next_text{0};
  auto work = [&] {
    for (size_t i = next_text++; i < texts.size(); i = next_text++) parse(i);
  };
  std::vector<std::thread> pool;
  for (size_t t = 1; t < workers; ++t) pool.emplace_back(work);
  work();
  for (auto& thread : pool) thread.join();
  return parsed;
}

}  // namespace mlops

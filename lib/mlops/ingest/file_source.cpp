#include "mlops/ingest/file_source.h"

#include <glob.h>
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <thread>

#include "mlops/core/error.h"
#include "mlops/core/hash.h"
#include "mlops/core/log.h"
#include "mlops/core/time.h"
#include "mlops/ingest/text_encoding.h"
#include "mlops/io/csv/csv.h"
#include "mlops/io/decompress.h"
#include "mlops/io/file.h"
#include "mlops/io/file_hash_memo.h"
#include "mlops/io/json.h"
#include "mlops/io/typed_read.h"

namespace mlops {

namespace {

struct FileStamp {
  uint64_t size = 0;
  int64_t mtime_ns = 0;
};

FileStamp stamp_of(const std::string& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) throw IoError("{}: no such file", path);
  return {static_cast<uint64_t>(info.st_size),
          static_cast<int64_t>(info.st_mtim.tv_sec) * 1000000000 + info.st_mtim.tv_nsec};
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

std::string resolve_format(const SourceSpec& source) {
  return file_format(source.path, source.format);
}

std::vector<std::string> expand_source_path(const std::string& pattern) {
  if (pattern.find_first_of("*?[") == std::string::npos) {
    if (!path_exists(pattern)) throw IoError("{}: no such file", pattern);
    return {pattern};
  }
  glob_t matches{};
  const int status = ::glob(pattern.c_str(), GLOB_ERR, nullptr, &matches);
  std::vector<std::string> paths;
  if (status == 0) {
    for (size_t i = 0; i < matches.gl_pathc; ++i) paths.emplace_back(matches.gl_pathv[i]);
  }
  ::globfree(&matches);
  if (status != 0 && status != GLOB_NOMATCH) throw IoError("{}: cannot list the files", pattern);
  return paths;  // glob sorts them
}

namespace {

bool is_blank(std::string_view text) {
  return text.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

// How a file version relates to the one ingested before.
enum class Change { kNew, kAppended, kReplaced };

// kAppended when the earlier content (`seen`: its size and checksum) is a prefix of `bytes`
// ending on a whole line, of a format read line by line (CSV, TSV, JSON Lines, uncompressed).
Change change_of(const nlohmann::json* seen, std::string_view bytes, const std::string& format,
                 bool compressed) {
  if (!seen) return Change::kNew;
  const uint64_t old_size = seen->value("size", uint64_t{0});
  const bool by_line = format == "csv" || format == "tsv" || format == "jsonl";
  if (by_line && !compressed && old_size > 0 && old_size < bytes.size() &&
      bytes[old_size - 1] == '\n' &&
      seen->value("checksum", "") == hash_bytes(std::string_view(bytes).substr(0, old_size))) {
    return Change::kAppended;
  }
  return Change::kReplaced;
}

}  // namespace

void ingest_file_version(SourceContext& context, const std::string& path, const std::string& bytes,
                         const std::string& checksum, nlohmann::json& position,
                         nlohmann::json entry, bool store_raw) {
  const SourceSpec& spec = context.spec;
  const auto start = std::chrono::steady_clock::now();
  const nlohmann::json* seen =
      position["files"].contains(path) ? &position["files"][path] : nullptr;
  SourceSpec named = spec;
  named.path = path;
  const std::string format = resolve_format(named);
  const bool compressed =
      detect_compression(std::string_view(bytes).substr(0, 4)) != Compression::kNone;
  const Change change = change_of(seen, bytes, format, compressed);
  const bool keyed = !context.options.text("key").empty();
  if (change == Change::kAppended) {
    log_info("ingest: file grew; only the appended records are read", {{"file", path}});
  } else if (change == Change::kReplaced) {
    log_warn(keyed ? "ingest: file changed since it was ingested; its rows are upserted by key"
                   : "ingest: file changed since it was ingested; its rows replace the ones it "
                     "gave before",
             {{"file", path}, {"ingested_at", seen->value("ingested_at", "")}});
  }
  // The raw copy is written by a second thread while this one parses (both only read
  // `bytes`); it is on disk before the batch commits, and a failure of either stops the run.
  std::exception_ptr raw_error;
  std::thread raw_writer;
  if (store_raw) {
    raw_writer = std::thread([&] {
      try {
        context.lake.raw(spec.name).add_file(bytes, std::filesystem::path(path).filename().string(),
                                             {{"kind", "file"}, {"path", path}}, checksum);
      } catch (...) {
        raw_error = std::current_exception();
      }
    });
  }
  struct JoinOnExit {
    std::thread& thread;
    ~JoinOnExit() {
      if (thread.joinable()) thread.join();
    }
  } join_on_exit{raw_writer};
  const std::string decompressed = compressed ? decompress(bytes, path) : std::string();
  std::string_view text = compressed ? std::string_view(decompressed) : bytes;
  // One rule for every format: a file with nothing in it is bad data (exit 4).
  if (is_blank(text)) throw DataError("{}: the file is empty (no header and no records)", path);
  std::string appended;  // an append: the header (CSV, TSV) and the new lines only
  size_t lines_before = 0;
  if (change == Change::kAppended) {
    const uint64_t old_size = seen->value("size", uint64_t{0});
    const std::string_view prefix = text.substr(0, old_size);
    lines_before = static_cast<size_t>(std::count(prefix.begin(), prefix.end(), '\n'));
    if (format != "jsonl") {
      const size_t header_end = text.find('\n');
      appended = std::string(text.substr(0, header_end + 1));
      lines_before -= 1;  // the header is line 1 of both texts
    }
    appended += text.substr(old_size);
    text = appended;
  }
  std::string transcoded;  // holds the text when the encoding check had to change it
  std::vector<BadRecord> undecodable;
  text = prepare_text(text, format, spec.encoding, path, transcoded, undecodable, spec.delimiter);
  ReadOptions read = context.read_options(path);
  read.delimiter = field_delimiter(format, spec.delimiter);
  read.quote = spec.quote;
  ReadResult result = read_table_text(text, format, std::move(read));
  result.bad.insert(result.bad.begin(), std::make_move_iterator(undecodable.begin()),
                    std::make_move_iterator(undecodable.end()));
  for (auto& bad : result.bad) {
    if (bad.line > 0) bad.line += lines_before;
  }
  if (raw_writer.joinable()) raw_writer.join();
  if (raw_error) std::rethrow_exception(raw_error);
  const double read_seconds = seconds_since(start);
  const uint64_t rows = result.table.num_rows() + result.bad.size();
  const double megabytes = static_cast<double>(text.size()) / 1e6;
  log_info("ingest: file read",
           {{"file", path},
            {"rows", rows},
            {"mb", megabytes},
            {"seconds", read_seconds},
            {"rows_per_s", read_seconds > 0 ? static_cast<double>(rows) / read_seconds : 0.0},
            {"mb_per_s", read_seconds > 0 ? megabytes / read_seconds : 0.0}});
  context.report.records += rows;
  context.report.bytes += text.size();
  context.report.requests += 1;
  context.report.inputs.push_back(path);

  Batch batch;
  TableBatch table;
  table.table = spec.table;
  table.source = path;
  table.origin = path;
  table.result = std::move(result);
  table.json = format.starts_with("json");
  batch.tables.push_back(std::move(table));
  // With a key, every file's rows are upserted (latest wins); without one, a changed file
  // replaces the rows it gave before.
  batch.upsert = keyed;
  if (change == Change::kReplaced && !keyed) batch.replaces = path;
  position["files"][path] = std::move(entry);
  batch.position = position;
  context.commit(std::move(batch));
}

void run_file_source(SourceContext& context) {
  const SourceSpec& spec = context.spec;
  const std::vector<std::string> paths = expand_source_path(spec.path);
  if (paths.empty()) log_warn("ingest: no file matches", {{"path", spec.path}});
  nlohmann::json position = context.lake.position(spec.name);
  if (!position.contains("files")) position["files"] = nlohmann::json::object();

  for (const auto& path : paths) {
    const FileStamp stamp = stamp_of(path);
    const nlohmann::json* seen =
        position["files"].contains(path) ? &position["files"][path] : nullptr;
    if (seen && seen->value("size", uint64_t{0}) == stamp.size &&
        seen->value("mtime_ns", int64_t{0}) == stamp.mtime_ns) {
      continue;  // ingested before and untouched since
    }
    std::string checksum;
    const std::string bytes = read_file_hashed(path, checksum);
    if (seen && seen->value("checksum", "") == checksum) continue;  // touched, same content
    ingest_file_version(context, path, bytes, checksum, position,
                        {{"size", bytes.size()},
                         {"mtime_ns", stamp.mtime_ns},
                         {"checksum", checksum},
                         {"ingested_at", format_iso8601(now_micros())}},
                        true);
  }
}

}  // namespace mlops

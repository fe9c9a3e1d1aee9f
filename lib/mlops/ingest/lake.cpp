#include "mlops/ingest/lake.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <set>
#include <unordered_map>

#include "mlops/core/error.h"
#include "mlops/core/log.h"
#include "mlops/core/time.h"
#include "mlops/ingest/column_convert.h"
#include "mlops/ingest/conform.h"
#include "mlops/io/file.h"
#include "mlops/io/quarantine.h"
#include "mlops/io/table_file.h"

namespace mlops {

namespace fs = std::filesystem;

struct Lake::SourceLogs {
  std::unique_ptr<AppendFile> quarantine;
  std::unique_ptr<AppendFile> keys;
  std::unordered_set<std::string> seen;  // committed keys
};

namespace {

// The table row -> index of the source record it came from: records rejected while reading
// are missing from the table, so the rows are the other indices, in order.
std::vector<size_t> record_indices(size_t rows, const std::vector<BadRecord>& bad) {
  std::vector<size_t> indices;
  indices.reserve(rows);
  size_t next_bad = 0;
  for (size_t record = 0; indices.size() < rows; ++record) {
    while (next_bad < bad.size() && bad[next_bad].record < record) ++next_bad;
    if (next_bad < bad.size() && bad[next_bad].record == record) continue;
    indices.push_back(record);
  }
  return indices;
}

// A row as a JSON object: what quarantine keeps when the record's own text is not at hand.
std::string row_json(const Table& table, size_t row) {
  nlohmann::ordered_json object = nlohmann::ordered_json::object();
  for (const auto& column : table.columns()) {
    if (column.is_null(row)) {
      object[column.name()] = nullptr;
      continue;
    }
    switch (column.type()) {
      case DType::kInt64: object[column.name()] = column.int_at(row); break;
      case DType::kFloat64: object[column.name()] = column.float_at(row); break;
      case DType::kBool: object[column.name()] = column.bool_at(row); break;
      default: object[column.name()] = column.format_value(row); break;
    }
  }
  return object.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// A temp file of io/file.h's atomic writes: `<name>.tmp-PID` or `<name>.tmp-PID-N`.
bool is_temp_file(const std::string& name) {
  const size_t at = name.rfind(".tmp-");
  if (at == std::string::npos) return false;
  int dashes = 0;
  bool digit = false;
  for (size_t i = at + 5; i < name.size(); ++i) {
    if (name[i] == '-' && digit && dashes == 0) {
      ++dashes;
      digit = false;
    } else if (std::isdigit(static_cast<unsigned char>(name[i]))) {
      digit = true;
    } else {
      return false;
    }
  }
  return digit;
}

void add_origin(std::vector<RowOrigin>& origins, const std::string& origin, uint64_t rows) {
  if (rows == 0) return;
  if (!origins.empty() && origins.back().origin == origin) {
    origins.back().rows += rows;
  } else {
    origins.push_back({origin, rows});
  }
}

constexpr const char* kRebuildFolder = "rebuild";
constexpr const char* kSwappedLayers[] = {"clean", "quarantine", "keys"};

bool same_fields(const std::string& sidecar, const std::vector<CleanField>& fields) {
  try {
    const nlohmann::json doc = nlohmann::json::parse(read_file(sidecar));
    const auto& listed = doc.at("fields");
    if (listed.size() != fields.size()) return false;
    for (size_t i = 0; i < fields.size(); ++i) {
      if (listed[i].at("name") != fields[i].name ||
          listed[i].at("type") != std::string(dtype_name(fields[i].type))) {
        return false;
      }
    }
    return true;
  } catch (const std::exception&) {
    return false;
  }
}

}  // namespace

std::string lake_component(std::string_view name) {
  std::string out;
  for (char c : name) {
    const bool safe =
        std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_';
    out += safe ? c : '_';
  }
  if (out.empty() || out.front() == '.') out.insert(out.begin(), '_');
  return out;
}

Lake::Lake(std::string root, FaultHook fault) : root_(std::move(root)), fault_(std::move(fault)) {
  make_directories(root_);
  const std::string lock = root_ + "/.lock";
  lock_fd_ = ::open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0666);
  if (lock_fd_ < 0) throw IoError("cannot open '{}': {}", lock, std::strerror(errno));
  if (::flock(lock_fd_, LOCK_EX | LOCK_NB) != 0) {
    ::close(lock_fd_);
    lock_fd_ = -1;
    throw BusyError("{}: another ingest of this workflow is running (it holds {})", root_, lock);
  }
  checkpoint_ = load_checkpoint(root_ + "/checkpoint.json");
  schema_hash_ = checkpoint_.schema_hash;
  if (!checkpoint_.pending_swap.empty()) {
    finish_swap();
  } else {
    std::error_code ignored;  // a rebuild that did not reach its commit point
    fs::remove_all(fs::path(root_) / kRebuildFolder, ignored);
  }
  remove_uncommitted_parts();
  discard_uncommitted_raw_layers();
  remove_temp_files();
}

Lake::~Lake() {
  if (lock_fd_ >= 0) ::close(lock_fd_);  // closing releases the flock
}

std::string Lake::table_dir(const std::string& table) const {
  return root_ + "/clean/" + lake_component(table);
}

void Lake::remove_uncommitted_parts() {
  const fs::path clean = fs::path(root_) / "clean";
  std::error_code error;
  if (!fs::is_directory(clean, error)) return;
  std::map<std::string, std::set<std::string>> committed;  // folder -> files to keep
  for (const auto& [table, state] : checkpoint_.tables) {
    auto& keep = committed[lake_component(table)];
    for (const auto& part : state.parts) {
      keep.insert(part);
      keep.insert(schema_sidecar_path(part));
    }
  }
  for (const auto& folder : fs::directory_iterator(clean, error)) {
    if (!folder.is_directory()) continue;
    const auto& keep = committed[folder.path().filename().string()];
    for (const auto& file : fs::directory_iterator(folder.path(), error)) {
      if (keep.contains(file.path().filename().string())) continue;
      log_debug("ingest: removing an uncommitted file", {{"file", file.path().string()}});
      fs::remove(file.path(), error);
    }
  }
}

void Lake::finish_swap() {
  const fs::path aside = fs::path(root_) / checkpoint_.pending_swap;
  for (const char* layer : kSwappedLayers) {
    std::error_code error;
    if (!fs::exists(aside / layer, error)) continue;  // moved already
    fs::remove_all(fs::path(root_) / layer, error);
    fs::rename(aside / layer, fs::path(root_) / layer, error);
    if (error)
      throw IoError("{}: cannot move the rebuilt {}/ in place: {}", root_, layer, error.message());
  }
  std::error_code ignored;
  fs::remove_all(aside, ignored);
  checkpoint_.pending_swap.clear();
  save_checkpoint(checkpoint_, root_ + "/checkpoint.json");
}

void Lake::discard_uncommitted_raw_layers() {
  const fs::path raw = fs::path(root_) / "raw";
  std::error_code error;
  if (!fs::is_directory(raw, error)) return;
  std::map<std::string, nlohmann::json> committed;  // folder -> the source's raw state
  for (const auto& [name, state] : checkpoint_.sources) committed[lake_component(name)] = state.raw;
  for (const auto& folder : fs::directory_iterator(raw, error)) {
    if (!folder.is_directory()) continue;
    auto it = committed.find(folder.path().filename().string());
    // A source that never committed has nothing committed in raw either.
    discard_uncommitted_raw(folder.path().string(),
                            it == committed.end() ? nlohmann::json::object() : it->second);
  }
}

void Lake::remove_temp_files() {
  // Under the lock no other process writes here: every temp file is a killed writer's.
  std::error_code error;
  std::vector<fs::path> temps;
  for (auto it = fs::recursive_directory_iterator(root_, error);
       !error && it != fs::recursive_directory_iterator(); it.increment(error)) {
    if (it->is_regular_file(error) && is_temp_file(it->path().filename().string())) {
      temps.push_back(it->path());
    }
  }
  for (const auto& temp : temps) {
    log_debug("ingest: removing a temp file a killed process left", {{"file", temp.string()}});
    fs::remove(temp, error);
  }
}

uint64_t Lake::rows(const std::string& table) const {
  auto it = checkpoint_.tables.find(table);
  return it == checkpoint_.tables.end() ? 0 : it->second.rows;
}

void Lake::swap_in_rebuild(const Checkpoint& built, std::vector<BadRecord> quarantined) {
  for (const char* layer : kSwappedLayers) {
    make_directories(root_ + "/" + kRebuildFolder + "/" + layer);
  }
  Checkpoint next = built;
  next.sequence = std::max(built.sequence, checkpoint_.sequence) + 1;
  for (const auto& [name, old] : checkpoint_.sources) {
    auto it = built.sources.find(name);
    SourceCheckpoint state = it == built.sources.end() ? SourceCheckpoint{} : it->second;
    state.position = old.position;  // the raw layer replayed is everything received so far
    state.raw = old.raw;
    next.sources[name] = std::move(state);
  }
  next.schema_hash = schema_hash_;
  next.updated_at = format_iso8601(now_micros());
  next.pending_swap = kRebuildFolder;
  save_checkpoint(next, root_ + "/checkpoint.json");  // the commit point
  checkpoint_ = std::move(next);
  if (fault_) fault_("swap");
  finish_swap();
  logs_.clear();
  single_part_.clear();
  quarantined_ = std::move(quarantined);
}

nlohmann::json Lake::position(const std::string& source) const {
  auto it = checkpoint_.sources.find(source);
  return it == checkpoint_.sources.end() ? nlohmann::json::object() : it->second.position;
}

RawLayer& Lake::raw(const std::string& source) {
  auto& slot = raw_[source];
  if (!slot) slot = std::make_unique<RawLayer>(root_ + "/raw/" + lake_component(source));
  return *slot;
}

Lake::SourceLogs& Lake::logs(const std::string& source) {
  auto& slot = logs_[source];
  if (slot) return *slot;
  auto it = checkpoint_.sources.find(source);
  const bool known = it != checkpoint_.sources.end();
  const std::string name = lake_component(source);
  auto logs = std::make_unique<SourceLogs>();
  logs->quarantine = std::make_unique<AppendFile>(root_ + "/quarantine/" + name + ".jsonl",
                                                  known ? it->second.quarantine_bytes : 0);
  logs->keys = std::make_unique<AppendFile>(root_ + "/keys/" + name + ".keys",
                                            known ? it->second.keys_bytes : 0);
  if (logs->keys->size() > 0) {
    const std::string text = read_file(logs->keys->path());
    for (size_t pos = 0; pos < text.size();) {
      size_t end = text.find('\n', pos);
      if (end == std::string::npos) end = text.size();
      try {
        logs->seen.insert(nlohmann::json::parse(text.substr(pos, end - pos)).get<std::string>());
      } catch (const nlohmann::json::exception& e) {
        throw IoError("{}: not a key log: {}", logs->keys->path(), e.what());
      }
      pos = end + 1;
    }
  }
  slot = std::move(logs);
  return *slot;
}

CommitStats Lake::commit(const std::string& source, const std::string& key, Batch batch) {
  SourceLogs& log = logs(source);
  RawLayer* raw_layer = nullptr;
  if (auto it = raw_.find(source); it != raw_.end()) {
    raw_layer = it->second.get();
    raw_layer->sync();
  }
  if (fault_) fault_("raw");

  Checkpoint next = checkpoint_;
  ++next.sequence;
  SourceCheckpoint& state = next.sources[source];
  const std::string now = format_iso8601(now_micros());
  CommitStats stats;
  std::string quarantine_text;
  std::vector<BadRecord> quarantined;
  auto quarantine = [&](BadRecord record, const std::string& table) {
    nlohmann::json line = quarantine_json(record);
    line["ingest_source"] = source;
    line["table"] = table;
    line["quarantined_at"] = now;
    quarantine_text += quarantine_line(line);
    quarantined.push_back(std::move(record));
  };
  for (auto& bad : batch.bad) quarantine(std::move(bad), batch.bad_table);

  std::string keys_text;
  std::unordered_set<std::string> batch_keys;
  std::vector<std::pair<std::string, Table>> written;
  std::vector<std::string> obsolete;  // parts replaced by this commit, removed after it
  std::set<std::string> rewritten;    // tables whose earlier rows this commit changed
  size_t part_index = 0;
  for (TableBatch& input : batch.tables) {
    auto source_of = [&](size_t record) {
      return record < input.record_sources.size() ? input.record_sources[record] : input.source;
    };
    for (auto& bad : input.result.bad) {
      bad.source = source_of(bad.record);
      quarantine(std::move(bad), input.table);
    }
    Table rows = std::move(input.result.table);
    std::vector<size_t> records = record_indices(rows.num_rows(), input.result.bad);
    std::vector<std::string> row_keys;
    std::unordered_set<std::string> upserted;  // keys whose earlier rows this batch replaces

    const Column* key_column = key.empty() ? nullptr : rows.find(key);
    if (key_column && batch.upsert) {
      std::unordered_map<std::string, size_t> last;  // key -> its last row in the batch
      for (size_t row = 0; row < rows.num_rows(); ++row) {
        if (!key_column->is_null(row)) last[key_column->format_value(row)] = row;
      }
      std::vector<size_t> keep;
      keep.reserve(rows.num_rows());
      for (size_t row = 0; row < rows.num_rows(); ++row) {
        std::string value = key_column->is_null(row) ? "" : key_column->format_value(row);
        if (!value.empty() && last[value] != row) {
          ++stats.duplicates;  // a later row of the batch has the same key
          continue;
        }
        if (!value.empty() && log.seen.contains(value)) {
          upserted.insert(value);
          value.clear();  // already in the key log
        }
        keep.push_back(row);
        row_keys.push_back(std::move(value));
      }
      if (keep.size() < rows.num_rows()) {
        rows = rows.take(keep);
        for (size_t i = 0; i < keep.size(); ++i) records[i] = records[keep[i]];
        records.resize(keep.size());
      }
    } else if (key_column) {
      std::vector<size_t> keep;
      keep.reserve(rows.num_rows());
      for (size_t row = 0; row < rows.num_rows(); ++row) {
        std::string value = key_column->is_null(row) ? "" : key_column->format_value(row);
        if (!value.empty() && (log.seen.contains(value) || batch_keys.contains(value))) {
          ++stats.duplicates;
          continue;
        }
        if (!value.empty()) batch_keys.insert(value);
        keep.push_back(row);
        row_keys.push_back(std::move(value));
      }
      if (keep.size() < rows.num_rows()) {
        rows = rows.take(keep);
        for (size_t i = 0; i < keep.size(); ++i) records[i] = records[keep[i]];
        records.resize(keep.size());
      }
    }

    CleanTableState& table = next.tables[input.table];
    const uint64_t dropped =
        drop_rows(input.table, table, batch.replaces, key, upserted, next.sequence, obsolete);
    if (dropped > 0) {
      stats.replaced += dropped;
      rewritten.insert(input.table);
      log_info("ingest: earlier rows replaced",
               {{"table", input.table},
                {"rows", dropped},
                {"by", batch.replaces.empty() ? "key" : "changed file"},
                {"file", batch.replaces}});
    }
    const bool existed = !table.fields.empty();
    const size_t batch_rows = rows.num_rows();
    Conformed conformed = conform_batch(rows, table, input.json);  // may move `rows` out
    if (existed) {
      for (const auto& column : conformed.added) {
        log_info("ingest: new column", {{"table", input.table}, {"column", column}});
      }
    }
    for (const auto& column : conformed.widened) {
      log_info("ingest: column widened from int64 to float64",
               {{"table", input.table}, {"column", column}});
    }
    std::vector<uint8_t> rejected(batch_rows, 0);
    for (auto& rejection : conformed.rejected) {
      rejected[rejection.row] = 1;
      const size_t record = records[rejection.row];
      quarantine({source_of(record), 0, record, rejection.column, rejection.value, rejection.reason,
                  record < input.record_texts.size() ? input.record_texts[record]
                                                     : row_json(rows, rejection.row)},
                 input.table);
    }
    if (!conformed.rejected.empty()) {
      log_warn("ingest: records quarantined: a value's type does not fit the clean table",
               {{"table", input.table},
                {"count", static_cast<uint64_t>(conformed.rejected.size())},
                {"first_reason", conformed.rejected.front().reason}});
    }
    for (size_t row = 0; row < row_keys.size(); ++row) {
      if (!rejected[row] && !row_keys[row].empty()) {
        keys_text += nlohmann::json(row_keys[row])
                         .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) +
                     "\n";
      }
    }
    const size_t count = conformed.rows.num_rows();
    if (count > 0) {
      const std::string part = fmt::format("part-{:08}-{}.csv", next.sequence, part_index++);
      write_table(conformed.rows, table_dir(input.table) + "/" + part);
      table.parts.push_back(part);
      add_origin(table.origins, input.origin, count);
      table.rows += count;
      stats.rows += count;
      if (batch.keep_rows) stats.added.emplace_back(input.table, conformed.rows);
      written.emplace_back(input.table, std::move(conformed.rows));
    }
    if (std::find(state.tables.begin(), state.tables.end(), input.table) == state.tables.end()) {
      state.tables.push_back(input.table);
    }
  }
  if (fault_) fault_("clean");

  log.quarantine->append(quarantine_text);
  log.quarantine->sync();
  log.keys->append(keys_text);
  log.keys->sync();
  if (fault_) fault_("quarantine");

  state.position = std::move(batch.position);
  state.quarantine_bytes = log.quarantine->size();
  state.keys_bytes = log.keys->size();
  if (raw_layer) state.raw = raw_layer->committed(state.raw);
  next.schema_hash = schema_hash_;
  next.updated_at = now;
  save_checkpoint(next, root_ + "/checkpoint.json");
  checkpoint_ = std::move(next);
  if (fault_) fault_("checkpoint");
  for (const auto& file : obsolete) {  // a crash before this is cleaned up on the next open
    std::error_code ignored;
    fs::remove(file, ignored);
  }

  for (size_t pos = 0; pos < keys_text.size();) {
    const size_t end = keys_text.find('\n', pos);
    log.seen.insert(nlohmann::json::parse(keys_text.substr(pos, end - pos)).get<std::string>());
    pos = end + 1;
  }
  for (const auto& name : rewritten) single_part_.erase(name);
  for (auto& [name, rows] : written) {
    if (checkpoint_.tables[name].parts.size() == 1) {
      single_part_[name] = std::move(rows);
    } else {
      single_part_.erase(name);
    }
  }
  stats.quarantined = quarantined.size();
  for (auto& record : quarantined) quarantined_.push_back(std::move(record));
  return stats;
}

std::vector<std::string> Lake::tables() const {
  std::vector<std::string> names;
  for (const auto& [name, state] : checkpoint_.tables) names.push_back(name);
  return names;
}

std::vector<std::string> Lake::tables_of(const std::string& source) const {
  auto it = checkpoint_.sources.find(source);
  return it == checkpoint_.sources.end() ? std::vector<std::string>{} : it->second.tables;
}

Table Lake::load(const std::string& table) {
  if (auto cached = single_part_.find(table); cached != single_part_.end()) {
    auto it = checkpoint_.tables.find(table);
    const bool current = it != checkpoint_.tables.end() && it->second.parts.size() == 1 &&
                         cached->second.schema().size() == it->second.fields.size();
    Table rows = std::move(cached->second);
    single_part_.erase(cached);
    if (current) return rows;
  }
  auto it = checkpoint_.tables.find(table);
  if (it == checkpoint_.tables.end()) return Table();
  return read_clean_parts(table_dir(table), it->second);
}

Table read_clean_parts(const std::string& dir, const CleanTableState& state) {
  std::vector<Column> columns;
  for (const auto& field : state.fields) {
    columns.emplace_back(field.name, field.type);
    columns.back().reserve(state.rows);
  }
  for (const auto& part : state.parts) {
    const std::string path = dir + "/" + part;
    if (!path_exists(path)) throw IoError("{}: part removed while reading", path);
    const Table rows = read_table(path);
    for (size_t f = 0; f < state.fields.size(); ++f) {
      const Column* column = rows.find(state.fields[f].name);
      if (column && column->type() == columns[f].type()) {
        columns[f].append(*column);  // the part has the field's type: copied whole
        continue;
      }
      for (size_t row = 0; row < rows.num_rows(); ++row) {
        if (column) {
          push_converted(columns[f], *column, row);
        } else {
          columns[f].push_null();
        }
      }
    }
  }
  Table out;
  for (auto& column : columns) out.add_column(std::move(column));
  return out;
}

uint64_t Lake::drop_rows(const std::string& table, CleanTableState& state,
                         const std::string& origin, const std::string& key,
                         const std::unordered_set<std::string>& keys, uint64_t sequence,
                         std::vector<std::string>& obsolete) {
  const bool by_origin =
      !origin.empty() && std::any_of(state.origins.begin(), state.origins.end(),
                                     [&](const RowOrigin& run) { return run.origin == origin; });
  const bool known = state.knows_origins();
  if (!origin.empty() && !known && state.rows > 0) {
    throw DataError(
        "{}: the file changed since it was ingested, but clean table '{}' was written before "
        "the lake kept which rows came from which file, so its earlier rows cannot be replaced; "
        "run `mlops ingest --rebuild` to rebuild the clean table from the raw layer",
        origin, table);
  }
  if ((!by_origin && keys.empty()) || state.rows == 0) return 0;
  const Table rows = read_clean_parts(table_dir(table), state);
  const Column* key_column = keys.empty() ? nullptr : rows.find(key);
  auto key_matches = [&](size_t row) {
    return key_column && !key_column->is_null(row) && keys.contains(key_column->format_value(row));
  };
  std::vector<size_t> keep;
  std::vector<RowOrigin> origins;
  if (known) {
    size_t row = 0;
    for (const auto& run : state.origins) {
      for (uint64_t i = 0; i < run.rows; ++i, ++row) {
        if ((by_origin && run.origin == origin) || key_matches(row)) continue;
        keep.push_back(row);
        add_origin(origins, run.origin, 1);
      }
    }
  } else {
    for (size_t row = 0; row < rows.num_rows(); ++row) {
      if (!key_matches(row)) keep.push_back(row);
    }
  }
  if (keep.size() == rows.num_rows()) return 0;
  const Table kept = rows.take(keep);
  for (const auto& part : state.parts) {
    obsolete.push_back(table_dir(table) + "/" + part);
    obsolete.push_back(schema_sidecar_path(table_dir(table) + "/" + part));
  }
  state.parts.clear();
  if (kept.num_rows() > 0) {
    const std::string part = fmt::format("part-{:08}-r.csv", sequence);
    write_table(kept, table_dir(table) + "/" + part);
    state.parts.push_back(part);
  }
  const uint64_t dropped = state.rows - kept.num_rows();
  state.rows = kept.num_rows();
  if (known) state.origins = std::move(origins);
  return dropped;
}

void Lake::compact(const std::string& table) {
  auto it = checkpoint_.tables.find(table);
  if (it == checkpoint_.tables.end() || it->second.parts.size() <= 1) return;
  Table merged = load(table);
  Checkpoint next = checkpoint_;
  ++next.sequence;
  CleanTableState& state = next.tables[table];
  const std::vector<std::string> old_parts = state.parts;
  const std::string part = fmt::format("part-{:08}-0.csv", next.sequence);
  write_table(merged, table_dir(table) + "/" + part);
  state.parts = {part};
  state.rows = merged.num_rows();
  next.updated_at = format_iso8601(now_micros());
  save_checkpoint(next, root_ + "/checkpoint.json");
  checkpoint_ = std::move(next);
  for (const auto& old : old_parts) {  // a crash before this is cleaned up on the next open
    std::error_code ignored;
    fs::remove(table_dir(table) + "/" + old, ignored);
    fs::remove(schema_sidecar_path(table_dir(table) + "/" + old), ignored);
  }
  single_part_[table] = std::move(merged);
}

void Lake::snapshot(const std::string& table, const std::string& path) {
  auto it = checkpoint_.tables.find(table);
  if (it != checkpoint_.tables.end() && it->second.parts.size() == 1) {
    const std::string part = table_dir(table) + "/" + it->second.parts.front();
    if (same_fields(schema_sidecar_path(part), it->second.fields)) {
      make_directories(fs::path(path).parent_path().string());
      copy_file_atomic(part, path);
      copy_file_atomic(schema_sidecar_path(part), schema_sidecar_path(path));
      return;
    }
  }
  write_table(load(table), path);
}

}  // namespace mlops

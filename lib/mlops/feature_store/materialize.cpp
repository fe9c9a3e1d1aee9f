#include "mlops/feature_store/materialize.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <string_view>

#include "mlops/core/error.h"
#include "mlops/core/log.h"
#include "mlops/core/progress.h"
#include "mlops/core/time.h"
#include "mlops/feature_store/latest_per_key.h"
#include "mlops/feature_store/online_lookup.h"
#include "mlops/feature_store/view_rows.h"

namespace mlops {

namespace {

FeatureValue value_at(const Column& column, size_t row) {
  if (column.is_null(row)) return {};
  switch (column.type()) {
    case DType::kInt64: return column.int_at(row);
    case DType::kFloat64: {
      const double value = column.float_at(row);
      return std::isnan(value) ? FeatureValue() : FeatureValue(value);
    }
    case DType::kBool: return column.bool_at(row);
    case DType::kString: return std::string(column.string_at(row));
    case DType::kTimestamp: return TimestampValue{column.int_at(row)};
  }
  return {};
}

std::string key_part(const Column& column, size_t row) {
  return column.type() == DType::kString ? std::string(column.string_at(row))
                                         : column.format_value(row);
}

// The records of rows `picked`, in that order; keys taken from `key_texts` (by row) when given.
std::vector<OnlineRecord> records_at(const Table& rows, std::span<const size_t> picked,
                                     std::span<const std::string> keys,
                                     const std::string& event_time,
                                     std::span<const std::string> features,
                                     std::vector<std::string>* key_texts = nullptr) {
  const Column& time = rows.column(event_time);
  std::vector<const Column*> key_columns, feature_columns;
  for (const std::string& name : keys) key_columns.push_back(&rows.column(name));
  for (const std::string& name : features) feature_columns.push_back(&rows.column(name));
  std::vector<OnlineRecord> records(picked.size());
  std::vector<std::string> parts(key_columns.size());
  for (size_t i = 0; i < picked.size(); ++i) {
    const size_t row = picked[i];
    OnlineRecord& record = records[i];
    if (key_texts) {
      record.key = std::move((*key_texts)[row]);
    } else if (key_columns.size() == 1) {
      record.key = key_part(*key_columns[0], row);
    } else {
      for (size_t k = 0; k < key_columns.size(); ++k) parts[k] = key_part(*key_columns[k], row);
      record.key = entity_key_text(parts);
    }
    record.event_time_us = time.int_at(row);
    record.values.reserve(feature_columns.size());
    for (const Column* column : feature_columns) record.values.push_back(value_at(*column, row));
  }
  return records;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

ViewMaterialization materialize_view(const Workflow& workflow, const FeatureViewSpec& view,
                                     OnlineStore& store, const MaterializeOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  ViewMaterialization out;
  out.view = view.name;
  ViewRowsOptions range;
  const std::optional<int64_t> watermark = store.watermark(view.name);
  if (options.incremental) {
    range.start_us = watermark;
  } else {
    range.start_us = options.start_us;
    range.end_us = options.end_us;
  }
  // Only each key's newest row is written: read just those (one pass, no sort by time).
  range.latest_per_key = true;
  const ViewRows rows = read_view_rows(workflow, view, range);
  const double read_s = seconds_since(start);
  out.source = rows.source;
  out.rows_read = static_cast<int64_t>(rows.rows_in_range);

  const EntitySpec& entity = view_entity(workflow, view);
  OnlineViewSchema schema{view.name, entity.name, rows.keys,
                          online_columns(rows.table, rows.features), view.ttl_us};
  store.put_schema(schema);

  std::vector<OnlineRecord> records =
      online_records(rows.table, rows.keys, rows.event_time, rows.features);
  // One record per key, in key order (online_records): each batch is one range of the SQLite
  // B-tree (pages written once, not once per batch); it costs Redis nothing.
  int64_t newest_event = std::numeric_limits<int64_t>::min();
  for (const OnlineRecord& record : records)
    newest_event = std::max(newest_event, record.event_time_us);
  out.keys = static_cast<int64_t>(records.size());
  const double latest_s = seconds_since(start) - read_s;
  const int64_t now = options.now_us != 0 ? options.now_us : now_micros();
  ProgressLine progress = ProgressLine::on_stderr("materialize " + view.name);
  const size_t batch = std::max<size_t>(1, options.batch_keys);
  for (size_t begin = 0; begin < records.size(); begin += batch) {
    const size_t end = std::min(records.size(), begin + batch);
    out.keys_written +=
        store.write(view.name, schema.columns, std::span(records).subspan(begin, end - begin), now);
    progress.update(end, records.size(), "keys");
  }
  progress.finish();

  // Every value is written: only now may the watermark move (never ahead of the data).
  out.watermark_us = watermark;
  const bool ranged = !options.incremental && (options.start_us || options.end_us);
  if (!ranged && !records.empty()) {
    if (!watermark || newest_event > *watermark) {
      store.set_watermark(view.name, newest_event);
      out.watermark_us = newest_event;
    }
  }
  out.seconds = seconds_since(start);
  log_info("materialize: view done", {{"view", view.name},
                                      {"rows", out.rows_read},
                                      {"keys", out.keys},
                                      {"written", out.keys_written},
                                      {"read_s", read_s},
                                      {"latest_s", latest_s},
                                      {"write_s", out.seconds - read_s - latest_s},
                                      {"store", store.describe()}});
  store.record_materialization(view.name,
                               {now_micros(), out.rows_read, out.keys_written, out.seconds});
  return out;
}

}  // namespace

int64_t MaterializeResult::rows_read() const {
  int64_t total = 0;
  for (const ViewMaterialization& view : views) total += view.rows_read;
  return total;
}

int64_t MaterializeResult::keys_written() const {
  int64_t total = 0;
  for (const ViewMaterialization& view : views) total += view.keys_written;
  return total;
}

std::vector<OnlineColumn> online_columns(const Table& rows, std::span<const std::string> features) {
  std::vector<OnlineColumn> columns;
  for (const std::string& name : features) columns.push_back({name, rows.column(name).type()});
  return columns;
}

std::vector<OnlineRecord> latest_records(const Table& rows, std::span<const std::string> keys,
                                         const std::string& event_time,
                                         std::span<const std::string> features) {
  std::vector<const Column*> key_columns;
  for (const std::string& name : keys) key_columns.push_back(&rows.column(name));
  // Rows in event-time order: each key's newest is its last (ties: the last written).
  const std::vector<size_t> picked = latest_row_per_key(key_columns, rows.column(event_time));
  return records_at(rows, picked, keys, event_time, features);
}

std::vector<OnlineRecord> online_records(const Table& rows, std::span<const std::string> keys,
                                         const std::string& event_time,
                                         std::span<const std::string> features) {
  // Key order first, then the records in it: each record's values are allocated in the
  // order the store encodes them (sequential memory), and no record is moved by a sort.
  std::vector<const Column*> key_columns;
  for (const std::string& name : keys) key_columns.push_back(&rows.column(name));
  std::vector<std::string> texts(rows.num_rows());
  std::vector<std::string> parts(key_columns.size());
  for (size_t row = 0; row < texts.size(); ++row) {
    if (key_columns.size() == 1) {
      texts[row] = key_part(*key_columns[0], row);
    } else {
      for (size_t k = 0; k < key_columns.size(); ++k) parts[k] = key_part(*key_columns[k], row);
      texts[row] = entity_key_text(parts);
    }
  }
  // Sorted on each key's first 8 bytes (big-endian, so integer order is byte order), the
  // texts compared only when those are equal: few random reads of the texts.
  struct Entry {
    uint64_t head;
    size_t row;
  };
  std::vector<Entry> entries(texts.size());
  for (size_t row = 0; row < texts.size(); ++row) {
    uint64_t head = 0;
    const std::string& text = texts[row];
    for (size_t i = 0; i < 8; ++i) {
      head = (head << 8) | (i < text.size() ? static_cast<unsigned char>(text[i]) : 0u);
    }
    entries[row] = {head, row};
  }
  std::sort(entries.begin(), entries.end(), [&texts](const Entry& a, const Entry& b) {
    if (a.head != b.head) return a.head < b.head;
    return texts[a.row] < texts[b.row] || (texts[a.row] == texts[b.row] && a.row < b.row);
  });
  std::vector<size_t> order(entries.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = entries[i].row;
  return records_at(rows, order, keys, event_time, features, &texts);
}

MaterializeResult materialize(const Workflow& workflow, OnlineStore& store,
                              const MaterializeOptions& options) {
  if (options.incremental && (options.start_us || options.end_us)) {
    throw ConfigError(
        "materialize: --incremental reads from the stored watermark; it cannot be "
        "combined with --start/--end");
  }
  if (options.start_us && options.end_us && *options.start_us >= *options.end_us) {
    throw ConfigError("materialize: --start must be before --end");
  }
  const auto start = std::chrono::steady_clock::now();
  std::vector<const FeatureViewSpec*> selected;
  if (options.views.empty()) {
    for (const FeatureViewSpec& view : workflow.feature_store.views) selected.push_back(&view);
  } else {
    for (const std::string& name : options.views) {
      const FeatureViewSpec& view = find_feature_view(workflow, name);
      if (!view.online) {
        throw ConfigError(
            "{}: feature view '{}' is declared online: false; materialize only "
            "writes online views",
            view.origin, view.name);
      }
      selected.push_back(&view);
    }
  }
  MaterializeResult result;
  for (const FeatureViewSpec* view : selected) {
    if (!view->online) {
      ViewMaterialization skipped;
      skipped.view = view->name;
      skipped.skipped = true;
      result.views.push_back(std::move(skipped));
      continue;
    }
    result.views.push_back(materialize_view(workflow, *view, store, options));
  }
  result.seconds = seconds_since(start);
  return result;
}

}  // namespace mlops

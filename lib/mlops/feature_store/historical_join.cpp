#include "mlops/feature_store/historical_join.h"

#include <algorithm>
#include <optional>

#include "mlops/core/error.h"
#include "mlops/core/suggest.h"
#include "mlops/io/csv/batches.h"
#include "mlops/io/csv/reader.h"
#include "mlops/io/csv/writer.h"
#include "mlops/io/typed_read.h"

namespace mlops {
namespace {

std::string_view trim(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  return text;
}

void push_from(Column& out, const Column& in, int64_t row) {
  if (row < 0 || in.is_null(static_cast<size_t>(row))) {
    out.push_null();
    return;
  }
  const auto at = static_cast<size_t>(row);
  switch (in.type()) {
    case DType::kInt64:
    case DType::kTimestamp: out.push_int(in.int_at(at)); break;
    case DType::kFloat64: out.push_float(in.float_at(at)); break;
    case DType::kBool: out.push_bool(in.bool_at(at)); break;
    case DType::kString: out.push_string(in.string_at(at)); break;
  }
}

std::string quoted_list(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& name : names) out += (out.empty() ? "'" : ", '") + name + "'";
  return out;
}

}  // namespace

FeatureRequest parse_feature_request(std::string_view text) {
  FeatureRequest request;
  const size_t colon = text.find(':');
  request.view = std::string(trim(text.substr(0, colon)));
  if (request.view.empty()) {
    throw ConfigError("--features '{}': expected VIEW or VIEW:COL,COL", text);
  }
  if (colon == std::string_view::npos) return request;
  std::string_view rest = text.substr(colon + 1);
  for (;;) {
    const size_t comma = rest.find(',');
    const std::string_view name = trim(rest.substr(0, comma));
    if (name.empty()) {
      throw ConfigError("--features '{}': an empty column name (expected VIEW:COL,COL)", text);
    }
    request.features.emplace_back(name);
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  return request;
}

std::string joined_column_name(const std::string& view, const std::string& feature) {
  return view + "__" + feature;
}

PointInTimeJoin::PointInTimeJoin(const Workflow& workflow,
                                 const std::vector<FeatureRequest>& requests) {
  std::vector<std::string> names;
  for (const FeatureViewSpec& view : workflow.feature_store.views) names.push_back(view.name);
  std::vector<std::string> seen;
  for (const FeatureRequest& request : requests) {
    const FeatureViewSpec* view = workflow.feature_store.view(request.view);
    if (!view) {
      if (names.empty()) {
        throw ConfigError("unknown feature view '{}': workflow '{}' declares no feature_views",
                          request.view, workflow.name);
      }
      throw ConfigError("unknown feature view '{}'{}; workflow '{}' declares {}", request.view,
                        did_you_mean(request.view, names), workflow.name, quoted_list(names));
    }
    if (std::find(seen.begin(), seen.end(), view->name) != seen.end()) {
      throw ConfigError("feature view '{}' is requested twice; list its columns once: {}:COL,COL",
                        view->name, view->name);
    }
    seen.push_back(view->name);
    views_.emplace_back(
        read_view_rows(workflow, *view,
                       {.features = request.features, .start_us = {}, .end_us = {}}),
        view->ttl_us);
  }
  collect_keys();
}

PointInTimeJoin::PointInTimeJoin(std::vector<ViewIndex> views) : views_(std::move(views)) {
  collect_keys();
}

void PointInTimeJoin::collect_keys() {
  for (const ViewIndex& index : views_) {
    for (const std::string& key : index.rows().keys) {
      const DType type = index.rows().table.column(key).type();
      auto it = std::find_if(key_columns_.begin(), key_columns_.end(),
                             [&key](const ColumnDecl& decl) { return decl.name == key; });
      if (it == key_columns_.end()) {
        key_columns_.push_back({key, type, {}});
      } else if (it->type != type) {
        throw ConfigError("key column '{}' is {} in one requested view and {} in feature view '{}'",
                          key, dtype_name(it->type), dtype_name(type), index.rows().view);
      }
    }
  }
}

void PointInTimeJoin::check_entity_columns(const std::vector<std::string>& columns,
                                           const std::string& event_time,
                                           const std::string& file) const {
  std::vector<std::string> missing;
  for (const ColumnDecl& key : key_columns_) {
    if (std::find(columns.begin(), columns.end(), key.name) == columns.end()) {
      missing.push_back(key.name);
    }
  }
  const bool has_time = std::find(columns.begin(), columns.end(), event_time) != columns.end();
  if (!missing.empty() || !has_time) {
    std::string what;
    if (!missing.empty()) {
      what = fmt::format("key column{} {}", missing.size() > 1 ? "s" : "", quoted_list(missing));
    }
    if (!has_time) {
      what += fmt::format("{}event-time column '{}'{}", what.empty() ? "" : " and the ", event_time,
                          did_you_mean(event_time, columns));
    }
    throw DataError(
        "{}: the entity file has no {} (its columns: {}; the event-time column is "
        "set with --event-time)",
        file, what, quoted_list(columns));
  }
  for (const ViewIndex& index : views_) {
    for (const std::string& feature : index.rows().features) {
      const std::string name = joined_column_name(index.rows().view, feature);
      if (std::find(columns.begin(), columns.end(), name) != columns.end()) {
        throw ConfigError("{}: the entity file already has a column '{}', which the join adds",
                          file, name);
      }
    }
  }
}

void PointInTimeJoin::join(Table& entities, const std::string& event_time,
                           std::vector<uint64_t>& matched) const {
  matched.resize(views_.size(), 0);
  const size_t n = entities.num_rows();
  const Column& time = entities.column(event_time);
  std::vector<int64_t> picks(n);
  std::vector<Column> added;  // appended at the end: adding moves the columns read here
  std::string key;
  for (size_t v = 0; v < views_.size(); ++v) {
    const ViewIndex& index = views_[v];
    const ViewRows& rows = index.rows();
    std::vector<const Column*> keys;
    for (const std::string& name : rows.keys) keys.push_back(&entities.column(name));
    uint64_t found = 0;
    for (size_t row = 0; row < n; ++row) {
      picks[row] = -1;
      if (time.is_null(row)) continue;
      bool complete = true;
      for (const Column* column : keys) complete = complete && !column->is_null(row);
      if (!complete) continue;
      key.clear();
      encode_key(keys, row, key);
      if (const auto hit = index.lookup(key, time.int_at(row))) {
        picks[row] = static_cast<int64_t>(*hit);
        ++found;
      }
    }
    matched[v] += found;
    for (const std::string& feature : rows.features) {
      const Column& source = rows.table.column(feature);
      Column out(joined_column_name(rows.view, feature), source.type());
      out.reserve(n);
      for (size_t row = 0; row < n; ++row) push_from(out, source, picks[row]);
      added.push_back(std::move(out));
    }
  }
  for (Column& column : added) entities.add_column(std::move(column));
}

namespace {

// Calls on_batch(rows) for each window of typed entity rows, in input order; on_restart()
// when a CSV read starts over (a column needed a wider type). Checks the columns first.
template <typename OnBatch, typename OnRestart>
void read_entity_batches(const PointInTimeJoin& join, const HistoricalJoinSpec& spec,
                         OnBatch on_batch, OnRestart on_restart) {
  const std::string& path = spec.entities;
  TypedReadSpec typed{
      .format = file_format(path, "auto", "--entities"), .schema = {}, .null_values = {}};
  std::optional<ReadOptions> csv = csv_read_options(path, typed);
  // The header first, so missing columns are named together (a declared column the file
  // lacks would otherwise stop the reader at the first).
  std::vector<std::string> columns;
  if (csv) {
    const CsvReader header(path, *csv, 1 << 16);
    for (const Field& field : header.schema()) columns.push_back(field.name);
  } else {
    columns = read_with_schema(path, typed).table.column_names();
  }
  join.check_entity_columns(columns, spec.event_time, path);
  for (const ColumnDecl& key : join.key_columns()) typed.schema.push_back(key);
  typed.schema.push_back({spec.event_time, DType::kTimestamp, {}});

  auto check = [&](Table& batch, const std::vector<BadRecord>& bad, size_t first_record) {
    if (!bad.empty()) {
      const BadRecord& record = bad.front();
      throw DataError("{}:{}: column '{}': {}", path, record.line, record.column, record.reason);
    }
    const Column& time = batch.column(spec.event_time);
    for (size_t row = 0; row < batch.num_rows(); ++row) {
      if (time.is_null(row)) {
        // Line of the record, counting the header (records in entity files are one line).
        throw DataError("{}:{}: event-time column '{}' is empty", path, first_record + row + 2,
                        spec.event_time);
      }
    }
  };
  if (csv) {
    ReadOptions options = *csv_read_options(path, typed);
    read_csv_batches(
        options, [&path](const ReadOptions& o) { return CsvReader(path, o); },
        [&](Table& batch, std::vector<BadRecord>& bad, const CsvReader& reader) {
          check(batch, bad, reader.records_read() - batch.num_rows() - bad.size());
          on_batch(batch);
        },
        [&](const CsvReader::InferenceMismatch&) { on_restart(); });
  } else {
    ReadResult result = read_with_schema(path, typed);
    check(result.table, result.bad, 0);
    on_batch(result.table);
  }
}

}  // namespace

HistoricalJoinSpec featurize_join_spec(const FeaturizeSourceSpec& source,
                                       const std::string& entities) {
  HistoricalJoinSpec spec{.entities = entities.empty() ? source.entities : entities,
                          .features = {},
                          .event_time = source.event_time};
  for (const std::string& text : source.features)
    spec.features.push_back(parse_feature_request(text));
  return spec;
}

HistoricalJoinStats historical_join_file(const Workflow& workflow, const HistoricalJoinSpec& spec,
                                         const std::string& out) {
  const PointInTimeJoin join(workflow, spec.features);
  HistoricalJoinStats stats;
  for (const ViewIndex& index : join.views()) stats.views.push_back(index.rows().view);
  std::optional<CsvWriter> writer;
  writer.emplace(out);
  read_entity_batches(
      join, spec,
      [&](Table& batch) {
        join.join(batch, spec.event_time, stats.matched);
        stats.rows += batch.num_rows();
        writer->write(batch);
      },
      [&] {
        writer.reset();  // what was written is discarded: the read starts over
        writer.emplace(out);
        stats.rows = 0;
        stats.matched.assign(stats.matched.size(), 0);
      });
  writer->commit();
  stats.matched.resize(stats.views.size(), 0);
  return stats;
}

Table historical_join_table(const Workflow& workflow, const HistoricalJoinSpec& spec,
                            HistoricalJoinStats* stats) {
  const PointInTimeJoin join(workflow, spec.features);
  HistoricalJoinStats local;
  for (const ViewIndex& index : join.views()) local.views.push_back(index.rows().view);
  Table result;
  bool first = true;
  read_entity_batches(
      join, spec,
      [&](Table& batch) {
        join.join(batch, spec.event_time, local.matched);
        local.rows += batch.num_rows();
        if (first) {
          result = std::move(batch);
          first = false;
          return;
        }
        for (size_t c = 0; c < batch.num_columns(); ++c) {
          result.mutable_column(c).append(batch.columns()[c]);
        }
      },
      [&] {
        result = Table();
        first = true;
        local.rows = 0;
        local.matched.assign(local.matched.size(), 0);
      });
  local.matched.resize(local.views.size(), 0);
  if (stats) *stats = std::move(local);
  return result;
}

}  // namespace mlops

#include "mlops/feature_store/view_rows.h"

#include <algorithm>
#include <deque>
#include <filesystem>
#include <numeric>

#include "mlops/core/error.h"
#include "mlops/core/hash.h"
#include "mlops/core/suggest.h"
#include "mlops/expr/expression.h"
#include "mlops/feature_store/committed_table.h"
#include "mlops/feature_store/latest_output.h"
#include "mlops/feature_store/latest_per_key.h"
#include "mlops/ingest/checkpoint.h"
#include "mlops/ingest/column_convert.h"
#include "mlops/ingest/lake.h"
#include "mlops/io/file.h"
#include "mlops/io/file_hash_memo.h"
#include "mlops/io/table_file.h"

namespace mlops {
namespace {

struct Source {
  Table table;
  std::string description;
};

std::string lake_root_of(const Workflow& workflow, const FeatureViewSpec& view) {
  const std::string& owner = view.source.workflow.empty() ? workflow.name : view.source.workflow;
  return (std::filesystem::path(workflow.settings.lake_dir) / lake_component(owner)).string();
}

Source read_lake_source(const Workflow& workflow, const FeatureViewSpec& view) {
  const std::string& owner = view.source.workflow.empty() ? workflow.name : view.source.workflow;
  const std::string root = lake_root_of(workflow, view);
  std::string description =
      fmt::format("lake table '{}' of workflow '{}' ({})", view.source.table, owner, root);
  std::optional<Table> table = read_committed_table(root, view.source.table);
  if (!table) {
    throw ConfigError("{}: feature view '{}': {} has no committed rows yet; run `mlops ingest`{}",
                      view.origin, view.name, description,
                      owner == workflow.name ? "" : fmt::format(" for workflow '{}'", owner));
  }
  return {std::move(*table), std::move(description)};
}

Source read_run_source(const Workflow& workflow, const FeatureViewSpec& view) {
  const bool featurize = view.source.kind == ViewSource::Kind::kFeaturize;
  const Stage stage = featurize ? Stage::kFeaturize : Stage::kBatchPredict;
  const std::optional<StageOutput> output =
      latest_stage_output(workflow.settings.runs_dir, workflow.name, stage);
  const char* command = featurize ? "mlops featurize" : "mlops batch-predict";
  if (!output) {
    throw ConfigError(
        "{}: feature view '{}': workflow '{}' has no run whose {} succeeded in {}; "
        "run `{}` (or `mlops run`)",
        view.origin, view.name, workflow.name, stage_name(stage), workflow.settings.runs_dir,
        command);
  }
  const std::string wanted = featurize ? "features" : "predictions";
  for (const std::string& file : output->files) {
    const std::string name = std::filesystem::path(file).filename().string();
    if (name.starts_with(wanted) && name.ends_with(".csv")) {
      return {read_table(file), fmt::format("{} (run {})", file, output->run_id)};
    }
  }
  throw ConfigError(
      "{}: feature view '{}': run '{}' of workflow '{}' recorded no {} file; rerun "
      "`{}`",
      view.origin, view.name, output->run_id, workflow.name, wanted, command);
}

const Column& require_column(const Table& table, const std::string& name, const std::string& role,
                             const FeatureViewSpec& view, const std::string& source) {
  if (const Column* column = table.find(name)) return *column;
  throw DataError("{}: feature view '{}': {} column '{}' is not in {}{}", view.origin, view.name,
                  role, name, source, did_you_mean(name, table.column_names()));
}

// `column` as `type`: itself when it has that type, else a converted copy kept in `owned`; a
// DataError names the first value that does not fit.
const Column& typed_as(const Column& column, DType type, const std::string& role,
                       const FeatureViewSpec& view, const std::string& source,
                       std::deque<Column>& owned) {
  if (column.type() == type) return column;
  const bool convertible = type == DType::kString || column.type() == DType::kString;
  for (size_t row = 0; convertible && row < column.size(); ++row) {
    if (column.is_null(row)) continue;
    if (auto problem = convert_problem(column, row, type)) {
      throw DataError("{}: feature view '{}': {} column '{}' of {}, row {}: {}", view.origin,
                      view.name, role, column.name(), source, row + 1, *problem);
    }
  }
  if (!convertible) {
    throw DataError("{}: feature view '{}': {} column '{}' of {} is {}, expected {}", view.origin,
                    view.name, role, column.name(), source, dtype_name(column.type()),
                    dtype_name(type));
  }
  return owned.emplace_back(convert_column(column, type));
}

}  // namespace

std::string view_source_hash(const Workflow& workflow, const FeatureViewSpec& view) {
  constexpr const char* kMissing = "missing";
  if (view.source.kind == ViewSource::Kind::kLakeTable) {
    const std::string root = lake_root_of(workflow, view);
    const Checkpoint checkpoint = load_checkpoint(root + "/checkpoint.json");
    const auto it = checkpoint.tables.find(view.source.table);
    if (it == checkpoint.tables.end()) return kMissing;
    std::string state = fmt::format("{} rows;", it->second.rows);
    for (const CleanField& field : it->second.fields) {
      state += fmt::format("{}:{};", field.name, dtype_name(field.type));
    }
    for (const std::string& part : it->second.parts) state += part + ";";
    return hash_bytes(state);
  }
  const bool featurize = view.source.kind == ViewSource::Kind::kFeaturize;
  const std::optional<StageOutput> output =
      latest_stage_output(workflow.settings.runs_dir, workflow.name,
                          featurize ? Stage::kFeaturize : Stage::kBatchPredict);
  if (!output) return kMissing;
  std::string hashes;
  for (const std::string& file : output->files) {
    if (path_exists(file)) hashes += hash_file_memo(file) + ";";
  }
  return hash_bytes(hashes);
}

const EntitySpec& view_entity(const Workflow& workflow, const FeatureViewSpec& view) {
  const EntitySpec* entity = workflow.feature_store.entity(view.entity);
  if (!entity) {
    throw ConfigError("{}: feature view '{}': unknown entity '{}'", view.origin, view.name,
                      view.entity);
  }
  return *entity;
}

ViewRows read_view_rows(const Workflow& workflow, const FeatureViewSpec& view,
                        const ViewRowsOptions& options) {
  Source source = view.source.kind == ViewSource::Kind::kLakeTable
                      ? read_lake_source(workflow, view)
                      : read_run_source(workflow, view);
  return view_rows_of(workflow, view, source.table, std::move(source.description), options);
}

ViewRows view_rows_of(const Workflow& workflow, const FeatureViewSpec& view, const Table& input,
                      std::string description, const ViewRowsOptions& options) {
  const EntitySpec& entity = view_entity(workflow, view);
  ViewRows out;
  out.view = view.name;
  out.source = std::move(description);
  out.event_time = view.event_time.empty() ? "scored_at" : view.event_time;
  // The output's columns: the input's own where no conversion or expression made a new one
  // (held in `owned`), so nothing is copied whole before the rows are picked.
  std::deque<Column> owned;
  std::vector<const Column*> columns;
  for (const EntityKey& key : entity.keys) {
    out.keys.push_back(key.column);
    columns.push_back(&typed_as(require_column(input, key.column, "key", view, out.source),
                                key.type, "key", view, out.source, owned));
  }
  columns.push_back(&typed_as(require_column(input, out.event_time, "event-time", view, out.source),
                              DType::kTimestamp, "event-time", view, out.source, owned));

  // The view's features: declared, or every other column of the source.
  std::vector<ViewFeature> features = view.features;
  if (features.empty()) {
    for (const Column& column : input.columns()) {
      const bool is_key =
          std::find(out.keys.begin(), out.keys.end(), column.name()) != out.keys.end();
      if (!is_key && column.name() != out.event_time) features.push_back({column.name(), ""});
    }
  }
  std::vector<std::string> names;
  for (const ViewFeature& feature : features) names.push_back(feature.name);
  for (const std::string& wanted : options.features) {
    if (std::find(names.begin(), names.end(), wanted) == names.end()) {
      throw DataError("feature view '{}' has no feature '{}'{}; its features: {}", view.name,
                      wanted, did_you_mean(wanted, names), fmt::join(names, ", "));
    }
  }
  for (const ViewFeature& feature : features) {
    if (!options.features.empty() && std::find(options.features.begin(), options.features.end(),
                                               feature.name) == options.features.end()) {
      continue;
    }
    if (feature.name == out.event_time ||
        std::find(out.keys.begin(), out.keys.end(), feature.name) != out.keys.end()) {
      throw ConfigError(
          "{}: feature view '{}': feature '{}' has the name of a key or the event "
          "time; give it another name",
          view.origin, view.name, feature.name);
    }
    out.features.push_back(feature.name);
    if (feature.expr.empty()) {
      columns.push_back(&require_column(input, feature.name, "feature", view, out.source));
    } else {
      const Expression expression = Expression::parse(
          feature.expr,
          fmt::format("{}: feature view '{}', feature '{}'", view.origin, view.name, feature.name));
      columns.push_back(&owned.emplace_back(expression.evaluate_column(input, feature.name)));
    }
  }

  // Rows that can be placed (a key and a time), in the window, in written order.
  const size_t key_count = out.keys.size();
  const Column& time = *columns[key_count];
  std::vector<size_t> order;
  order.reserve(input.num_rows());
  for (size_t row = 0; row < input.num_rows(); ++row) {
    bool placed = !time.is_null(row);
    for (size_t k = 0; placed && k < key_count; ++k) placed = !columns[k]->is_null(row);
    if (!placed) {
      ++out.dropped_null_rows;
      continue;
    }
    const int64_t t = time.int_at(row);
    if ((options.start_us && t < *options.start_us) || (options.end_us && t >= *options.end_us))
      continue;
    order.push_back(row);
  }
  out.rows_in_range = order.size();
  if (options.latest_per_key) {
    // Each key's newest row, in one pass: the row the sorted scan below would end on.
    order = latest_row_per_key(std::span(columns).first(key_count), time, order);
  } else {
    // Sorted by time; stable, so equal times keep the order the source wrote them.
    std::stable_sort(order.begin(), order.end(),
                     [&time](size_t a, size_t b) { return time.int_at(a) < time.int_at(b); });
  }
  for (const Column* column : columns) out.table.add_column(column->take(order));
  return out;
}

}  // namespace mlops

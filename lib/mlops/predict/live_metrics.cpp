#include "mlops/predict/live_metrics.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <charconv>
#include <map>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

#include "mlops/core/duration.h"
#include "mlops/core/error.h"
#include "mlops/core/log.h"
#include "mlops/core/time.h"
#include "mlops/features/feature_pipeline.h"
#include "mlops/io/file.h"
#include "mlops/io/typed_read.h"
#include "mlops/model/metrics/task_metrics.h"
#include "mlops/store/open_stores.h"
#include "mlops/store/prediction_log.h"

namespace mlops {

namespace {

/// How one registered version reads labels: its task and label classes.
struct VersionLabels {
  Task task = Task::kRegression;
  std::vector<std::string> classes;
};

VersionLabels version_labels(ModelRegistry& registry, const std::string& model,
                             const std::string& version) {
  // Predictions the baseline made stand in for their version ("v3+baseline"): same labels.
  const ModelVersion found =
      resolve_model_version(registry, model, version.substr(0, version.find('+')));
  const FeaturePipeline features =
      FeaturePipeline::load(found.artifact_dir + "/feature_state.json");
  nlohmann::json meta = nlohmann::json::parse(read_file(found.artifact_dir + "/model_meta.json"));
  return {task_for_objective(meta.at("objective").get<std::string>()), features.label().classes};
}

/// Metrics of one group of labelled predictions, in the version's label encoding. Rows whose
/// label is not a class the model knows (or not a number, for regression) are skipped.
std::map<std::string, double> group_metrics(const VersionLabels& version,
                                            const std::vector<const LabelledPrediction*>& rows,
                                            int64_t& used) {
  std::vector<float> labels, predictions;
  const int num_class = static_cast<int>(version.classes.size());
  for (const LabelledPrediction* row : rows) {
    float label = 0;
    if (version.task == Task::kRegression) {
      double value = 0;
      auto [end, error] =
          std::from_chars(row->label.data(), row->label.data() + row->label.size(), value);
      if (error != std::errc() || end != row->label.data() + row->label.size()) continue;
      label = static_cast<float>(value);
      predictions.push_back(static_cast<float>(row->score));
    } else {
      auto it = std::find(version.classes.begin(), version.classes.end(), row->label);
      if (it == version.classes.end()) continue;
      label = static_cast<float>(it - version.classes.begin());
      if (version.task == Task::kBinary) {
        predictions.push_back(static_cast<float>(row->score));
      } else {
        if (row->probabilities.size() != version.classes.size()) continue;
        predictions.insert(predictions.end(), row->probabilities.begin(), row->probabilities.end());
      }
    }
    labels.push_back(label);
  }
  used = static_cast<int64_t>(labels.size());
  if (labels.empty()) return {};
  return task_metrics(version.task, num_class, labels, predictions);
}

}  // namespace

LiveEvaluation evaluate_labels(const Workflow& workflow, const std::string& labels_path,
                               const std::string& window) {
  const std::vector<std::string>& ids = workflow.predict.id_columns;
  if (ids.empty()) {
    throw ConfigError(
        "evaluate: predict.id_columns is not set in {}: labels are joined to predictions on "
        "those columns",
        workflow.path);
  }
  // The config schema and the CLI accept only 1h, 1d, 7d and 30d.
  const std::optional<int64_t> window_length = parse_duration(window);
  if (!window_length) throw ConfigError("evaluation window '{}' is not a duration", window);
  const std::string& model = workflow.registry.model;
  std::unique_ptr<ModelRegistry> registry = open_registry(workflow.settings);
  // Any version's feature state knows how to compute the label from raw columns.
  const ModelVersion latest = resolve_model_version(
      *registry, model, registry->aliases(model).count("champion") ? "champion" : "1");
  const FeaturePipeline features =
      FeaturePipeline::load(latest.artifact_dir + "/feature_state.json");

  // The id columns keep their declared types, so keys print exactly as in the predictions.
  IngestSpec spec = workflow.ingest;
  std::erase_if(spec.schema, [&](const ColumnDecl& decl) {
    return std::find(ids.begin(), ids.end(), decl.name) == ids.end();
  });
  ReadResult read = read_with_schema(labels_path, typed_read_spec(spec, labels_path));
  if (!read.bad.empty()) {
    throw DataError("{}:{}: {} ({} bad records)", labels_path, read.bad.front().line,
                    read.bad.front().reason, read.bad.size());
  }
  const Table& table = read.table;
  for (const auto& id : ids) {
    if (!table.find(id)) {
      throw DataError("{}: the labels have no id column '{}' (predict.id_columns; columns: {})",
                      labels_path, id, fmt::join(table.column_names(), ", "));
    }
  }
  const Column label = features.label_column(table);

  LiveEvaluation result;
  std::vector<std::pair<std::string, std::string>> key_labels;
  std::unordered_map<std::string, size_t> first_record;  // key -> its first record (1-based)
  for (size_t row = 0; row < table.num_rows(); ++row) {
    if (label.is_null(row)) continue;
    std::string key = row_key(table, ids, row);
    const auto [first, inserted] = first_record.emplace(key, row + 1);
    if (!inserted) {
      throw DataError(
          "{}: records {} and {} have the same key '{}' in the id columns ({}): a label must "
          "name one row; make predict.id_columns a unique key",
          labels_path, first->second, row + 1, key, fmt::join(ids, ", "));
    }
    key_labels.emplace_back(std::move(key), label.format_value(row));
  }
  result.labels_read = key_labels.size();
  std::unique_ptr<EvaluationStore> store = open_evaluation_store(workflow.settings);
  store->add_labels(model, key_labels);
  if (const std::optional<AmbiguousKey> ambiguous = store->ambiguous_labelled_key(model)) {
    throw DataError(
        "evaluate: run '{}' scored {} rows with the key '{}' in the id columns ({}), so a label "
        "cannot be joined to one prediction; make predict.id_columns a unique key and score "
        "again",
        ambiguous->run_id, ambiguous->count, ambiguous->row_key, fmt::join(ids, ", "));
  }

  const std::vector<LabelledPrediction> labelled = store->labelled(model);
  result.joined = labelled.size();
  result.joined_online = static_cast<size_t>(std::count_if(
      labelled.begin(), labelled.end(), [](const auto& row) { return !row.source.empty(); }));
  result.joined_batch = result.joined - result.joined_online;
  // Group by version, and by window of scored_at; "all" is each version's whole history.
  std::map<std::string, std::map<int64_t, std::vector<const LabelledPrediction*>>> groups;
  for (const auto& row : labelled) {
    groups[row.model_version][row.scored_at / *window_length * *window_length].push_back(&row);
  }
  for (const auto& [version, windows] : groups) {
    const VersionLabels labels_of = version_labels(*registry, model, version);
    std::vector<const LabelledPrediction*> all;
    for (const auto& [start, rows] : windows) {
      int64_t used = 0;
      for (const auto& [name, value] : group_metrics(labels_of, rows, used)) {
        result.metrics.push_back({version, window, start, name, value, used});
      }
      all.insert(all.end(), rows.begin(), rows.end());
    }
    int64_t used = 0;
    for (const auto& [name, value] : group_metrics(labels_of, all, used)) {
      result.metrics.push_back({version, "all", 0, name, value, used});
    }
    if (used < static_cast<int64_t>(all.size())) {
      log_warn("evaluate: some labels are not a class (or number) the model knows; skipped",
               {{"version", version},
                {"skipped", static_cast<uint64_t>(all.size()) - static_cast<uint64_t>(used)},
                {"classes", fmt::format("{}", fmt::join(labels_of.classes, ","))}});
    }
  }
  store->save_live_metrics(model, result.metrics);
  result.labels_matched = store->matched_labels(model);
  return result;
}

nlohmann::json live_metrics_json(const std::vector<LiveMetric>& metrics) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& metric : metrics) {
    out.push_back({{"model_version", metric.model_version},
                   {"window", metric.window},
                   {"window_start", metric.window == "all"
                                        ? nlohmann::json(nullptr)
                                        : nlohmann::json(format_iso8601(metric.window_start))},
                   {"metric", metric.metric},
                   {"value", metric.value},
                   {"rows", metric.rows}});
  }
  return out;
}

std::string format_live_metrics(const std::vector<LiveMetric>& metrics) {
  // One line per (version, window, start), metrics side by side.
  std::map<std::tuple<std::string, std::string, int64_t>, std::pair<int64_t, std::string>> lines;
  for (const auto& metric : metrics) {
    auto& [rows, text] = lines[{metric.model_version, metric.window, metric.window_start}];
    rows = metric.rows;
    text += fmt::format("  {}={:.6g}", metric.metric, metric.value);
  }
  std::string out =
      fmt::format("{:<8} {:<6} {:<20} {:>8}  METRICS\n", "VERSION", "WINDOW", "START", "ROWS");
  for (const auto& [key, value] : lines) {
    const auto& [version, window, start] = key;
    out += fmt::format("{:<8} {:<6} {:<20} {:>8}{}\n", version, window,
                       window == "all" ? std::string("-") : format_timestamp(start), value.first,
                       value.second);
  }
  return out;
}

}  // namespace mlops

#include "mlops/serve/predictor.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "mlops/core/error.h"
#include "mlops/core/log.h"
#include "mlops/core/time.h"
#include "mlops/core/value_parse.h"
#include "mlops/feature_store/online_lookup.h"
#include "mlops/store/prediction_log.h"

namespace mlops {

std::string_view answer_source_name(AnswerSource source) {
  switch (source) {
    case AnswerSource::kModel: return "model";
    case AnswerSource::kBatch: return "batch";
    case AnswerSource::kBaseline: return "baseline";
    case AnswerSource::kDefault: return "default";
  }
  return "model";
}

std::string_view fallback_reason_name(FallbackReason reason) {
  switch (reason) {
    case FallbackReason::kFeaturesMissing: return "features_missing";
    case FallbackReason::kFeaturesStale: return "features_stale";
    case FallbackReason::kStoreError: return "store_error";
    case FallbackReason::kModelError: return "model_error";
    case FallbackReason::kBatchMissing: return "batch_missing";
    case FallbackReason::kBaselineError: return "baseline_error";
  }
  return "model_error";
}

namespace {

// A request value into a column of the model's input type (the value was checked).
void push_json(Column& column, const nlohmann::json& value) {
  if (value.is_null()) return column.push_null();
  switch (column.type()) {
    case DType::kInt64:
      if (value.is_number_integer() || value.is_number_unsigned()) {
        return column.push_int(value.get<int64_t>());
      }
      if (value.is_number()) return column.push_int(std::llround(value.get<double>()));
      if (value.is_string()) {
        if (const auto number = parse_int64(value.get_ref<const std::string&>())) {
          return column.push_int(*number);
        }
      }
      return column.push_null();
    case DType::kFloat64:
      if (value.is_number()) return column.push_float(value.get<double>());
      return column.push_null();
    case DType::kBool:
      if (value.is_boolean()) return column.push_bool(value.get<bool>());
      return column.push_null();
    case DType::kString:
      if (value.is_string()) return column.push_string(value.get_ref<const std::string&>());
      return column.push_string(value.dump());
    case DType::kTimestamp:
      if (value.is_string()) {
        if (auto micros = parse_timestamp(value.get_ref<const std::string&>())) {
          return column.push_int(*micros);
        }
        return column.push_null();
      }
      if (value.is_number()) return column.push_int(std::llround(value.get<double>() * 1e6));
      return column.push_null();
  }
}

// An online value into a column of the model's input type; a value of another kind is null.
void push_feature(Column& column, const FeatureValue& value) {
  switch (column.type()) {
    case DType::kInt64:
      if (const auto* v = std::get_if<int64_t>(&value)) return column.push_int(*v);
      if (const auto* b = std::get_if<bool>(&value)) return column.push_int(*b ? 1 : 0);
      break;
    case DType::kFloat64:
      if (const auto* d = std::get_if<double>(&value)) return column.push_float(*d);
      if (const auto* v = std::get_if<int64_t>(&value)) {
        return column.push_float(static_cast<double>(*v));
      }
      break;
    case DType::kBool:
      if (const auto* b = std::get_if<bool>(&value)) return column.push_bool(*b);
      break;
    case DType::kString:
      if (std::holds_alternative<std::monostate>(value)) break;
      if (const auto* s = std::get_if<std::string>(&value)) return column.push_string(*s);
      return column.push_string(feature_value_text(value));
    case DType::kTimestamp:
      if (const auto* t = std::get_if<TimestampValue>(&value)) return column.push_int(t->micros);
      if (const auto* v = std::get_if<int64_t>(&value)) return column.push_int(*v);
      break;
  }
  column.push_null();
}

nlohmann::json number_or_null(double value) {
  return std::isfinite(value) ? nlohmann::json(value) : nlohmann::json(nullptr);
}

// Rows of raw outputs (Booster::predict's layout) as predictions of `task`.
std::vector<PredictedRow> rows_from_raw(Task task, const std::vector<std::string>& classes,
                                        const std::vector<float>& raw, size_t rows) {
  std::vector<PredictedRow> out(rows);
  for (size_t row = 0; row < rows; ++row) {
    PredictedRow& r = out[row];
    if (task == Task::kRegression) {
      r.score = raw[row];
      r.prediction = number_or_null(r.score);
      r.prediction_text = fmt::format("{}", r.score);
    } else if (task == Task::kBinary) {
      r.score = raw[row];
      r.probability = r.score;
      r.prediction_text = classes.at(raw[row] > 0.5f ? 1 : 0);
      r.prediction = r.prediction_text;
    } else {
      const size_t k = classes.size();
      size_t best = 0;
      for (size_t c = 0; c < k; ++c) {
        if (raw[row * k + c] > raw[row * k + best]) best = c;
        r.probabilities.emplace_back(classes[c], raw[row * k + c]);
      }
      r.prediction_text = classes.at(best);
      r.prediction = r.prediction_text;
      r.score = std::nan("");
    }
  }
  return out;
}

// The model's answers, read from the engine's predictions table.
std::vector<PredictedRow> rows_from_scored(const ScoredBatch& scored, const ScoringEngine& engine,
                                           const std::vector<std::string>& id_columns) {
  const Table& table = scored.predictions;
  const size_t rows = table.num_rows();
  const std::vector<LoggedPrediction> logged =
      prediction_log_rows(table, scored.features, engine.features().feature_names(), id_columns);
  std::vector<PredictedRow> out(rows);
  const Column& prediction = table.column("prediction");
  const Column* probability = table.find("probability");
  const auto& classes = engine.features().label().classes;
  std::vector<const Column*> per_class;
  if (engine.task() == Task::kMulticlass) {
    for (const std::string& name : classes)
      per_class.push_back(&table.column("probability_" + name));
  }
  for (size_t row = 0; row < rows; ++row) {
    PredictedRow& r = out[row];
    if (prediction.type() == DType::kFloat64) {
      r.prediction = number_or_null(prediction.float_at(row));
    } else {
      r.prediction = std::string(prediction.string_at(row));
    }
    r.prediction_text = logged[row].prediction;
    if (probability) r.probability = probability->float_at(row);
    for (size_t c = 0; c < per_class.size(); ++c) {
      r.probabilities.emplace_back(classes[c], per_class[c]->float_at(row));
    }
    r.score = logged[row].score;
    r.row_key = logged[row].row_key;
    r.features_hash = logged[row].features_hash;
    r.model_version = engine.version();
    r.source = AnswerSource::kModel;
  }
  return out;
}

ScoreOptions score_options(const std::vector<std::string>& id_columns, int64_t now_us) {
  ScoreOptions options;
  options.id_columns = id_columns;
  options.scored_at_micros = now_us;
  options.keep_features = true;
  return options;
}

}  // namespace

struct Predictor::Prepared {
  PredictOutcome outcome;
  Table table;              // the request's rows as the model reads them
  size_t rows = 1;          // in `table`
  bool typed = false;       // `table` has the model's input schema (the same columns every time)
  bool features_ok = true;  // every online view found and fresh
  std::optional<double> features_age;
  std::vector<std::string> present_ids;  // predict.id_columns `table` has
  const EntityViews* views = nullptr;    // of the key's entity (none without a key)
  std::string key_text;
};

Predictor::Predictor(const Workflow& workflow, WorkflowServeSettings settings)
    : workflow_(&workflow),
      settings_(std::move(settings)),
      default_number_(parse_double(settings_.default_prediction)) {
  for (const EntitySpec& entity : workflow.feature_store.entities) {
    EntityViews views{.entity = &entity, .features = {}, .predictions = nullptr};
    for (const FeatureViewSpec& view : workflow.feature_store.views) {
      if (view.entity != entity.name || !view.online) continue;
      if (view.source.kind == ViewSource::Kind::kPredictions) {
        if (!views.predictions) views.predictions = &view;
      } else {
        views.features.push_back(&view);
      }
    }
    entities_.push_back(std::move(views));
  }
}

const Predictor::EntityViews* Predictor::views_of(const EntitySpec& entity) const {
  for (const EntityViews& views : entities_) {
    if (views.entity == &entity) return &views;
  }
  return nullptr;
}

std::vector<Predictor::PlannedLookup> Predictor::planned_lookups(
    const PredictRequest& request) const {
  std::vector<PlannedLookup> out;
  if (request.key.is_null()) return out;
  std::vector<std::string> values;
  const EntitySpec& entity = match_entity(workflow_->feature_store, request.key, values);
  const EntityViews* views = views_of(entity);
  if (!views) return out;
  const std::string key_text = entity_key_text(values);
  for (const FeatureViewSpec* view : views->features) out.push_back({view, key_text});
  return out;
}

void Predictor::check_default_prediction(const ServedModel& model) const {
  const std::string& text = settings_.default_prediction;
  if (text.empty()) return;
  const ScoringEngine& engine = model.engine;
  if (engine.task() == Task::kRegression) {
    if (!default_number_ || !std::isfinite(*default_number_)) {
      throw ConfigError(
          "serve.default_prediction '{}' is not a number, and workflow {}'s model is a "
          "regression",
          text, workflow_->name);
    }
    return;
  }
  const auto& classes = engine.features().label().classes;
  if (std::find(classes.begin(), classes.end(), text) == classes.end()) {
    throw ConfigError(
        "serve.default_prediction '{}' is not a class of workflow {}'s model "
        "(classes: {})",
        text, workflow_->name, fmt::join(classes, ", "));
  }
}

Predictor::Prepared Predictor::prepare(const PredictRequest& request, const ServedModel& model,
                                       OnlineStore* store, int64_t now_us) const {
  Prepared p;
  const ScoringEngine& engine = model.engine;
  // A model trained from a point-in-time join reads the entity rows and VIEW__FEATURE columns;
  // its recorded input schema describes them (train records the joined rows' types). A model
  // trained before mlops recorded them has the lake table's schema instead: its fields are
  // then typed from the request's JSON and the online store's values.
  static const std::vector<ColumnDecl> kNoSchema;
  const bool joined = workflow_->featurize.source.type == "historical";
  const std::vector<ColumnDecl>& schema =
      joined && !model.records_joined_schema ? kNoSchema : engine.input_schema();
  const std::vector<std::string>& id_columns = workflow_->predict.id_columns;

  // Id columns the model's schema lacks still key the prediction log: carried as text.
  std::vector<std::string> extra;
  for (const std::string& id : id_columns) {
    if (std::none_of(schema.begin(), schema.end(),
                     [&](const ColumnDecl& column) { return column.name == id; })) {
      extra.push_back(id);
    }
  }
  if (!schema.empty()) check_rows(request.rows, schema, extra);

  PredictOutcome& outcome = p.outcome;
  const EntityViews*& views = p.views;
  std::string& key_text = p.key_text;
  if (!request.key.is_null()) {
    std::vector<std::string> values;
    const EntitySpec& entity = match_entity(workflow_->feature_store, request.key, values);
    views = views_of(entity);
    key_text = entity_key_text(values);
  }

  // The key's online features, by input column; stale and missing views leave theirs empty.
  std::vector<const FeatureValue*> online(schema.size(), nullptr);
  std::vector<std::pair<const FeatureViewSpec*, OnlineLookup>> lookups;
  bool& features_ok = p.features_ok;
  std::optional<int64_t> oldest_event;
  if (views && views->features.empty() && views->predictions && request.rows.empty()) {
    // A key alone whose entity has no feature views (only its batch predictions: "Batch
    // predictions as a view") gives the model nothing to read: it scored a row of nulls and
    // answered `source: model` instead of the key's batch prediction.
    outcome.fallbacks.push_back(FallbackReason::kFeaturesMissing);
    features_ok = false;
  }
  if (views && !views->features.empty()) {
    lookups.reserve(views->features.size());
    for (const FeatureViewSpec* view : views->features) {
      OnlineLookup lookup;
      try {
        if (!store) throw IoError("no online store");
        lookup = store->read_one(view->name, key_text, {.ttl_us = view->ttl_us, .now_us = now_us});
      } catch (const Error&) {
        if (features_ok) outcome.fallbacks.push_back(FallbackReason::kStoreError);
        features_ok = false;
        continue;
      }
      if (!lookup.found || lookup.stale) {
        if (features_ok) {
          outcome.fallbacks.push_back(lookup.found ? FallbackReason::kFeaturesStale
                                                   : FallbackReason::kFeaturesMissing);
        }
        features_ok = false;
        continue;
      }
      oldest_event = std::min(oldest_event.value_or(lookup.event_time_us), lookup.event_time_us);
      lookups.emplace_back(view, std::move(lookup));
    }
    for (const auto& entry : lookups) {
      const std::string& view = entry.first->name;
      const OnlineLookup& lookup = entry.second;
      for (size_t c = 0; c < lookup.columns.size(); ++c) {
        const std::string& column = lookup.columns[c];
        for (size_t j = 0; j < schema.size(); ++j) {
          // The model reads the view's column by its own name, or as VIEW__COLUMN (a
          // point-in-time join's output).
          const std::string_view name = schema[j].name;
          if (name == column ||
              (name.size() == view.size() + 2 + column.size() && name.starts_with(view) &&
               name.substr(view.size(), 2) == "__" && name.ends_with(column))) {
            online[j] = &lookup.values[c];
          }
        }
      }
    }
  }
  p.features_age = oldest_event
                       ? std::optional<double>(static_cast<double>(now_us - *oldest_event) / 1e6)
                       : std::nullopt;

  // The rows as the model reads them: request field > key column > online value > null.
  const size_t n = p.rows = std::max<size_t>(1, request.rows.size());
  Table& table = p.table;
  p.typed = !schema.empty();
  auto fill = [&](Column& column, const FeatureValue* online_value) {
    for (size_t r = 0; r < n; ++r) {
      const nlohmann::json* given = nullptr;
      if (r < request.rows.size()) {
        const auto it = request.rows[r].find(column.name());
        if (it != request.rows[r].end()) given = &*it;
      }
      if (!given && request.key.is_object()) {
        const auto it = request.key.find(column.name());
        if (it != request.key.end()) given = &*it;
      }
      if (given) {
        push_json(column, *given);
      } else if (online_value) {
        push_feature(column, *online_value);
      } else {
        column.push_null();
      }
    }
  };
  for (size_t j = 0; j < schema.size(); ++j) {
    Column column(schema[j].name, schema[j].type);
    fill(column, online[j]);
    table.add_column(std::move(column));
  }
  for (const std::string& id : extra) {
    Column column(id, DType::kString);
    fill(column, nullptr);
    table.add_column(std::move(column));
  }
  if (schema.empty()) {
    // No usable input schema: the request's fields typed from their JSON values (text that is
    // an ISO 8601 time is a timestamp), then the online values as VIEW__COLUMN.
    auto json_type = [](const nlohmann::json& value) {
      if (value.is_boolean()) return DType::kBool;
      if (value.is_number_integer() || value.is_number_unsigned()) return DType::kInt64;
      if (value.is_number()) return DType::kFloat64;
      if (value.is_string()) {
        const std::string& text = value.get_ref<const std::string&>();
        if (text.size() >= 10 && text[4] == '-' && parse_timestamp(text)) return DType::kTimestamp;
      }
      return DType::kString;
    };
    std::vector<std::pair<std::string, DType>> fields;
    auto add_field = [&](const std::string& name, const nlohmann::json& value) {
      for (auto& field : fields) {
        if (field.first != name) continue;
        if (value.is_number_float() && field.second == DType::kInt64) {
          field.second = DType::kFloat64;
        } else if (!value.is_null() && field.second == DType::kFloat64 && !value.is_number()) {
          field.second = json_type(value);  // typed by its first non-null value
        }
        return;
      }
      // A field null everywhere is still a column (float64: a numeric feature's missing value).
      fields.emplace_back(name, value.is_null() ? DType::kFloat64 : json_type(value));
    };
    for (const nlohmann::json& row : request.rows) {
      for (const auto& [name, value] : row.items()) add_field(name, value);
    }
    if (request.key.is_object()) {
      for (const auto& [name, value] : request.key.items()) add_field(name, value);
    }
    for (const auto& [name, type] : fields) {
      if (table.find(name)) continue;
      Column column(name, type);
      fill(column, nullptr);
      table.add_column(std::move(column));
    }
    for (const auto& entry : lookups) {
      for (size_t c = 0; c < entry.second.columns.size(); ++c) {
        const std::string name = entry.first->name + "__" + entry.second.columns[c];
        const FeatureValue& value = entry.second.values[c];
        const std::optional<DType> type = feature_value_type(value);
        if (!type || table.find(name)) continue;
        Column column(name, *type);
        fill(column, &value);
        table.add_column(std::move(column));
      }
    }
  }
  for (const std::string& id : id_columns) {
    if (table.find(id)) p.present_ids.push_back(id);
  }
  return p;
}

bool Predictor::score_alone(Prepared& p, const ServedModel& model, int64_t now_us) const {
  const ScoringEngine& engine = model.engine;
  if (engine.source() != ScoreSource::kModel) {
    p.outcome.fallbacks.push_back(FallbackReason::kModelError);
    return false;
  }
  try {
    p.outcome.rows = rows_from_scored(engine.score(p.table, score_options(p.present_ids, now_us)),
                                      engine, p.present_ids);
    for (PredictedRow& row : p.outcome.rows) row.features_age_s = p.features_age;
    return true;
  } catch (const Error& error) {
    log_debug("serve: the model cannot score this request",
              {{"workflow", workflow_->name}, {"reason", error.what()}});
    p.outcome.fallbacks.push_back(FallbackReason::kModelError);
    return false;
  }
}

PredictOutcome Predictor::predict(const PredictRequest& request, const ServedModel& model,
                                  OnlineStore* store, int64_t now_us) const {
  Prepared p = prepare(request, model, store, now_us);
  if (p.features_ok && score_alone(p, model, now_us)) return std::move(p.outcome);
  return fall_back(p, model, store, now_us);
}

std::vector<PredictResult> Predictor::predict_many(std::span<const PredictRequest* const> requests,
                                                   const ServedModel& model, OnlineStore* store,
                                                   int64_t now_us) const {
  std::vector<PredictResult> results(requests.size());
  std::vector<std::optional<Prepared>> prepared(requests.size());
  std::vector<size_t> together;  // requests whose rows the model scores in one table
  for (size_t i = 0; i < requests.size(); ++i) {
    try {
      prepared[i] = prepare(*requests[i], model, store, now_us);
    } catch (const RequestError&) {
      results[i].error = std::current_exception();
      continue;
    }
    // Typed by the model's input schema, every request's table has the same columns. A model
    // whose features read other rows (a window over earlier rows) scores each request alone.
    if (prepared[i]->features_ok && prepared[i]->typed &&
        model.engine.source() == ScoreSource::kModel && model.engine.row_independent()) {
      together.push_back(i);
    }
  }
  // Scores together[begin, end) in one call; on a scoring error leaves them to be scored alone.
  auto score_together = [&](size_t begin, size_t end) {
    Table combined = std::move(prepared[together[begin]]->table);
    std::vector<size_t> firsts{0};
    for (size_t t = begin + 1; t < end; ++t) {
      firsts.push_back(combined.num_rows());
      const Table& table = prepared[together[t]]->table;
      for (size_t c = 0; c < combined.num_columns(); ++c) {
        combined.mutable_column(c).append(table.columns()[c]);
      }
    }
    Prepared& first = *prepared[together[begin]];
    try {
      std::vector<PredictedRow> rows =
          rows_from_scored(model.engine.score(combined, score_options(first.present_ids, now_us)),
                           model.engine, first.present_ids);
      for (size_t t = begin; t < end; ++t) {
        Prepared& p = *prepared[together[t]];
        const auto from = rows.begin() + static_cast<ptrdiff_t>(firsts[t - begin]);
        p.outcome.rows.assign(std::make_move_iterator(from),
                              std::make_move_iterator(from + static_cast<ptrdiff_t>(p.rows)));
        for (PredictedRow& row : p.outcome.rows) row.features_age_s = p.features_age;
        results[together[t]].outcome = std::move(p.outcome);
      }
    } catch (const Error&) {
      // Some row the model cannot score: each request alone, from its own table again.
      std::vector<size_t> first_rows(first.rows);
      std::iota(first_rows.begin(), first_rows.end(), size_t{0});
      first.table = Table();
      for (size_t c = 0; c < combined.num_columns(); ++c) {
        first.table.add_column(combined.columns()[c].take(first_rows));
      }
    }
  };
  // At most kJointRows rows per call: beyond, the trees' walk starts threads (on the event
  // loop); a request alone stays within serve.max_rows.
  constexpr size_t kJointRows = 4096;
  for (size_t begin = 0; begin < together.size();) {
    size_t end = begin + 1, rows = prepared[together[begin]]->rows;
    while (end < together.size() && rows + prepared[together[end]]->rows <= kJointRows) {
      rows += prepared[together[end]]->rows;
      ++end;
    }
    if (end - begin > 1) score_together(begin, end);
    begin = end;
  }
  for (size_t i = 0; i < requests.size(); ++i) {
    if (!prepared[i] || results[i].outcome) continue;
    Prepared& p = *prepared[i];
    try {
      if (p.features_ok && score_alone(p, model, now_us)) {
        results[i].outcome = std::move(p.outcome);
      } else {
        results[i].outcome = fall_back(p, model, store, now_us);
      }
    } catch (const RequestError&) {
      results[i].error = std::current_exception();
    }
  }
  return results;
}

PredictOutcome Predictor::fall_back(Prepared& p, const ServedModel& model, OnlineStore* store,
                                    int64_t now_us) const {
  const ScoringEngine& engine = model.engine;
  PredictOutcome& outcome = p.outcome;
  const EntityViews* views = p.views;
  const std::string& key_text = p.key_text;
  const Table& table = p.table;
  const size_t n = p.rows;
  const std::optional<double>& features_age = p.features_age;
  auto keys_of = [&](std::vector<PredictedRow>& rows) {
    for (size_t r = 0; r < rows.size(); ++r) rows[r].row_key = row_key(table, p.present_ids, r);
  };

  // 2. The key's latest batch prediction.
  if (settings_.fallback_batch && views && views->predictions && store) {
    try {
      const FeatureViewSpec& view = *views->predictions;
      const OnlineLookup batch =
          store->read_one(view.name, key_text, {.ttl_us = view.ttl_us, .now_us = now_us});
      if (batch.found && !batch.stale) {
        PredictedRow row;
        row.source = AnswerSource::kBatch;
        row.features_age_s = static_cast<double>(now_us - batch.event_time_us) / 1e6;
        row.score = std::nan("");
        for (size_t c = 0; c < batch.columns.size(); ++c) {
          const std::string& name = batch.columns[c];
          const FeatureValue& value = batch.values[c];
          if (name == "prediction") {
            if (const auto* d = std::get_if<double>(&value)) {
              row.prediction = number_or_null(*d);
              row.score = *d;
            } else if (const auto* i = std::get_if<int64_t>(&value)) {
              row.prediction = *i;
              row.score = static_cast<double>(*i);
            } else {
              row.prediction = feature_value_json(value);
            }
            row.prediction_text = feature_value_text(value);
          } else if (name == "probability") {
            if (const auto* d = std::get_if<double>(&value)) {
              row.probability = *d;
              row.score = *d;
            }
          } else if (name.starts_with("probability_")) {
            if (const auto* d = std::get_if<double>(&value)) {
              row.probabilities.emplace_back(name.substr(12), *d);
            }
          } else if (name == "model_version") {
            if (const auto* s = std::get_if<std::string>(&value)) row.model_version = *s;
          }
        }
        if (!row.prediction.is_null()) {
          outcome.rows.assign(n, row);
          keys_of(outcome.rows);
          return std::move(outcome);
        }
      }
      outcome.fallbacks.push_back(FallbackReason::kBatchMissing);
    } catch (const Error&) {
      outcome.fallbacks.push_back(FallbackReason::kBatchMissing);
    }
  } else {
    outcome.fallbacks.push_back(FallbackReason::kBatchMissing);
  }

  // 3. The baseline on the fields available.
  const BaselineModel* baseline = model.baseline ? &*model.baseline : engine.baseline();
  if (settings_.fallback_baseline && baseline) {
    try {
      const Table features = engine.features().transform(table);
      const std::vector<float> raw = baseline->predict(features);
      outcome.rows = rows_from_raw(engine.task(), engine.features().label().classes, raw, n);
      for (PredictedRow& row : outcome.rows) {
        row.source = AnswerSource::kBaseline;
        row.model_version = model.label;
        row.features_age_s = features_age;
      }
      keys_of(outcome.rows);
      return std::move(outcome);
    } catch (const Error& error) {
      log_debug("serve: the baseline cannot score this request",
                {{"workflow", workflow_->name}, {"reason", error.what()}});
      outcome.fallbacks.push_back(FallbackReason::kBaselineError);
    }
  } else {
    outcome.fallbacks.push_back(FallbackReason::kBaselineError);
  }

  // 4. The configured default, or nothing.
  if (settings_.default_prediction.empty()) {
    // A step the settings turned off says so (its metric reason is the same as a miss).
    std::vector<std::string> reasons;
    for (FallbackReason reason : outcome.fallbacks) {
      if (reason == FallbackReason::kBatchMissing && !settings_.fallback_batch) {
        reasons.emplace_back("serve.fallback.batch is false");
      } else if (reason == FallbackReason::kBaselineError && !settings_.fallback_baseline) {
        reasons.emplace_back("serve.fallback.baseline is false");
      } else {
        reasons.emplace_back(fallback_reason_name(reason));
      }
    }
    throw RequestError(503,
                       fmt::format("no prediction: the model, the batch prediction and the "
                                   "baseline could not answer ({}) and serve.default_prediction "
                                   "is not set",
                                   fmt::join(reasons, ", ")));
  }
  PredictedRow row;
  row.source = AnswerSource::kDefault;
  row.prediction_text = settings_.default_prediction;
  row.score = std::nan("");
  if (engine.task() == Task::kRegression && default_number_) {
    row.prediction = *default_number_;
    row.score = *default_number_;
  } else {
    row.prediction = settings_.default_prediction;
  }
  outcome.rows.assign(n, row);
  keys_of(outcome.rows);
  return std::move(outcome);
}

}  // namespace mlops

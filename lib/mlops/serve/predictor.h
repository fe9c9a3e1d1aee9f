#pragma once
// One workflow's predictions with the fallback chain (docs/serving.md, "Fallback chain"):
//   1. model    the served model on the row: the key's online features (every online view of
//               the key's entity that feeds the model) completed or overridden by the request's
//               fields; taken when those features are found and fresh (within each view's ttl)
//               and the model can score (its model.json loaded, no scoring error);
//   2. batch    otherwise the key's latest materialized batch prediction (the entity's view
//               with `source: predictions`), when serve.fallback.batch;
//   3. baseline otherwise the baseline trained beside the model on the fields available (the
//               request's and the fresh online ones; the rest imputed), when
//               serve.fallback.baseline;
//   4. default  otherwise serve.default_prediction, or RequestError 503.
// Rows of one request answer together: the chain is walked once for the request.

#include <cstdint>
#include <exception>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "mlops/config/workflow.h"
#include "mlops/serve/model_set.h"
#include "mlops/serve/request.h"
#include "mlops/serve/settings.h"
#include "mlops/store/online_store.h"

namespace mlops {

/// Which step of the chain answered.
enum class AnswerSource { kModel, kBatch, kBaseline, kDefault };
inline constexpr size_t kAnswerSources = 4;
/// "model", "batch", "baseline", "default".
std::string_view answer_source_name(AnswerSource source);

/// Why a step was passed over.
enum class FallbackReason {
  kFeaturesMissing,  // the key is not in an online view the model reads
  kFeaturesStale,    // its values are older than the view's ttl
  kStoreError,       // the online store could not be read
  kModelError,       // the model cannot score (model.json unusable, a scoring error)
  kBatchMissing,     // no batch prediction for the key (or step 2 off, or no key)
  kBaselineError,    // no baseline, step 3 off, or it could not score
};
inline constexpr size_t kFallbackReasons = 6;
std::string_view fallback_reason_name(FallbackReason reason);

/// One answered row.
struct PredictedRow {
  nlohmann::json prediction;          // class name (string) or value (number)
  std::string prediction_text;        // as batch-predict writes it
  std::optional<double> probability;  // binary: of the positive class
  std::vector<std::pair<std::string, double>> probabilities;  // multiclass, in class order
  double score = 0;           // probability or value, as the evaluation store keeps it
  std::string model_version;  // "" for the default
  AnswerSource source = AnswerSource::kModel;
  std::optional<double> features_age_s;  // age of the oldest online value used
  std::string row_key;                   // predict.id_columns' values joined by '|'
  uint64_t features_hash = 0;            // of the features the model scored (source model)
};

struct PredictOutcome {
  std::vector<PredictedRow> rows;
  std::vector<FallbackReason> fallbacks;  // each step passed over, in order
};

/// One request's answer from predict_many(): its outcome, or the RequestError predict()
/// would have thrown.
struct PredictResult {
  std::optional<PredictOutcome> outcome;
  std::exception_ptr error;
};

class Predictor {
 public:
  /// Precomputes the workflow's views by entity. `model_name` is what the prediction log
  /// files rows under (the registered model's name).
  Predictor(const Workflow& workflow, WorkflowServeSettings settings);

  const Workflow& workflow() const { return *workflow_; }
  const WorkflowServeSettings& settings() const { return settings_; }

  /// Answers `request` with `model`, reading features from `store` (null: none configured).
  /// Throws RequestError: 422 for a key or a field the workflow or model does not have or
  /// with the wrong type; 503 when every step of the chain failed and there is no default.
  PredictOutcome predict(const PredictRequest& request, const ServedModel& model,
                         OnlineStore* store, int64_t now_us) const;

  /// Answers each of `requests` as predict() would, with the same numbers, but scores the rows
  /// of every request whose features are complete in one call of the model (one table, one
  /// walk of the trees for up to 16 rows), which is most of a keyed request's cost. A request
  /// the batch's scoring fails on is scored alone, so one bad row fails only its request.
  std::vector<PredictResult> predict_many(std::span<const PredictRequest* const> requests,
                                          const ServedModel& model, OnlineStore* store,
                                          int64_t now_us) const;

  /// Throws ConfigError naming serve.default_prediction when it is set and `model` could never
  /// have answered it: not one of a classifier's classes, not a number for a regression.
  void check_default_prediction(const ServedModel& model) const;

  /// One online read predict() starts with: a feature view and the entity key's text.
  struct PlannedLookup {
    const FeatureViewSpec* view = nullptr;
    std::string key;
  };
  /// The feature-view reads predict() makes first for `request` (none without a key), so a
  /// caller can read them for many requests at once. Throws RequestError as predict() for a
  /// key the workflow has no entity for.
  std::vector<PlannedLookup> planned_lookups(const PredictRequest& request) const;

 private:
  struct EntityViews {
    const EntitySpec* entity = nullptr;
    std::vector<const FeatureViewSpec*> features;  // online views feeding the model
    const FeatureViewSpec* predictions = nullptr;  // online `source: predictions`
  };
  const EntityViews* views_of(const EntitySpec& entity) const;

  // A request's rows as the model reads them, and what the chain needs after step 1.
  struct Prepared;
  Prepared prepare(const PredictRequest& request, const ServedModel& model, OnlineStore* store,
                   int64_t now_us) const;
  // Step 1 alone: true when the model answered (outcome.rows filled).
  bool score_alone(Prepared& prepared, const ServedModel& model, int64_t now_us) const;
  // Steps 2-4 for a request the model did not answer.
  PredictOutcome fall_back(Prepared& prepared, const ServedModel& model, OnlineStore* store,
                           int64_t now_us) const;

  const Workflow* workflow_;
  WorkflowServeSettings settings_;
  std::optional<double> default_number_;  // serve.default_prediction, when it is a number
  std::vector<EntityViews> entities_;
};

}  // namespace mlops

#include "mlops/model/train/train_artifacts.h"

#include "mlops/model/metrics/holdout_summary.h"

namespace mlops {

nlohmann::json train_metrics_json(const TrainResult& result,
                                  const std::vector<std::string>& classes) {
  nlohmann::json baseline(result.baseline_metrics);
  baseline["model"] = result.baseline.model();
  nlohmann::json metrics{{"holdout", result.holdout_metrics},
                         {"baseline", baseline},
                         {"train_rows", result.train_rows},
                         {"validation_rows", result.validation_rows},
                         {"holdout_rows", result.holdout_rows}};
  if (!result.confusion.empty()) metrics["confusion"] = confusion_json(classes, result.confusion);
  if (!result.cv.empty()) {
    nlohmann::json cv = nlohmann::json::object();
    for (const auto& [name, fold] : result.cv) {
      cv[name] = {{"mean", fold.mean}, {"std", fold.std}, {"folds", fold.folds}};
    }
    metrics["cv"] = cv;
  }
  return metrics;
}

nlohmann::json curve_json(const RoundCurve& curve) {
  return {{"metric", curve.metric},
          {"train", curve.train},
          {curve.watched, curve.watched_values},
          {"best_round", curve.best_round},
          {"rounds_trained", curve.rounds_trained},
          {"stopped_early", curve.stopped_early}};
}

nlohmann::json feature_schema_json(const Table& features, const std::vector<std::string>& names) {
  nlohmann::json schema = nlohmann::json::array();
  for (const auto& name : names) {
    schema.push_back({{"name", name}, {"dtype", dtype_name(features.column(name).type())}});
  }
  return schema;
}

void add_git_revision(nlohmann::json& meta, const GitRevision& revision) {
  meta["git_commit"] = revision.commit;
  meta["git_dirty"] = revision.dirty ? nlohmann::json(*revision.dirty) : nlohmann::json();
  if (revision.commit.empty()) meta["git_error"] = revision.reason;
}

}  // namespace mlops

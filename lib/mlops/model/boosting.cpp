#include "mlops/model/boosting.h"

#include <cmath>

#include "mlops/model/evaluate.h"

namespace mlops {

namespace {

bool improves(double value, double best, bool higher) {
  if (std::isnan(value)) return false;
  if (std::isnan(best)) return true;
  return higher ? value > best : value < best;
}

}  // namespace

std::vector<float> select_rows(std::span<const float> values, std::span<const size_t> rows,
                               size_t width) {
  std::vector<float> out;
  out.reserve(rows.size() * width);
  for (size_t row : rows) {
    out.insert(out.end(), values.begin() + static_cast<std::ptrdiff_t>(row * width),
               values.begin() + static_cast<std::ptrdiff_t>((row + 1) * width));
  }
  return out;
}

RoundCurve boost_rounds(Booster& booster, const DMatrix& train, const Params& params,
                        const TrainSpec& spec, const BoostingPlan& plan) {
  RoundCurve curve;
  curve.metric = plan.metric;
  curve.watched = plan.watched.rows.empty() ? "holdout" : "validation";
  const size_t width = plan.task == Task::kMulticlass ? static_cast<size_t>(plan.num_class) : 1;
  // The training line of the curve is drawn on at most kCurveRows of the fitted rows, evenly
  // strided (deterministic, and spread over the whole table): the metric over millions of rows
  // every round cost seconds and changed nothing a chart can show.
  std::vector<size_t> curve_rows;
  const size_t fitted =
      plan.fitted_rows.empty() ? plan.train_labels.size() : plan.fitted_rows.size();
  const size_t stride = (fitted + kCurveRows - 1) / kCurveRows;
  for (size_t i = 0; i < fitted; i += std::max<size_t>(stride, 1)) {
    curve_rows.push_back(plan.fitted_rows.empty() ? i : plan.fitted_rows[i]);
  }
  const std::vector<float> fitted_labels = select_rows(plan.train_labels, curve_rows, 1);
  const std::vector<float> watched_labels =
      plan.watched.rows.empty()
          ? std::vector<float>(plan.watched.labels.begin(), plan.watched.labels.end())
          : select_rows(plan.train_labels, plan.watched.rows, 1);
  const bool higher = higher_is_better(plan.metric);
  auto measure = [&](std::span<const float> labels, std::span<const float> predictions) {
    return metric_value(plan.task, plan.num_class, plan.metric, labels, predictions);
  };

  int best = 0;
  for (int round = 0; round < plan.rounds; ++round) {
    if (round == 0) {
      begin_training(booster, params, spec, train);
    } else {
      booster.update_one_iter(round, train);
    }
    // Predictions on matrices the booster caches cost only the newest trees.
    const std::vector<float> on_train = booster.predict(train);
    curve.train.push_back(measure(fitted_labels, select_rows(on_train, curve_rows, width)));
    const double watched =
        plan.watched.rows.empty()
            ? measure(watched_labels, booster.predict(*plan.watched.matrix))
            : measure(watched_labels, select_rows(on_train, plan.watched.rows, width));
    curve.watched_values.push_back(watched);
    curve.rounds_trained = round + 1;
    if (round == 0 || improves(watched, curve.watched_values[static_cast<size_t>(best)], higher)) {
      best = round;
    }
    if (plan.on_round) plan.on_round(curve);
    if (plan.stopping_rounds > 0 && round - best >= plan.stopping_rounds) {
      curve.stopped_early = round + 1 < plan.rounds;
      break;
    }
  }
  curve.best_round = plan.stopping_rounds > 0 ? best + 1 : curve.rounds_trained;
  return curve;
}

}  // namespace mlops

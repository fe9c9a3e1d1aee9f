#include "mlops/model/train/boosting.h"

#include <algorithm>
#include <cmath>
#include <future>
#include <optional>

#include "mlops/core/error.h"
#include "mlops/model/metrics/task_metrics.h"
#include "mlops/model/trees/round_scorer.h"

namespace mlops {

namespace {

bool improves(double value, double best, bool higher) {
  if (std::isnan(value)) return false;
  if (std::isnan(best)) return true;
  return higher ? value > best : value < best;
}

/// What every way of measuring the curve shares: the plan's metric, its labels, the curve.
struct CurveMeasure {
  const BoostingPlan& plan;
  std::vector<size_t> train_rows;  // curve_rows(): the rows the training line is measured on
  std::vector<float> train_labels;
  std::vector<float> watched_labels;
  RoundCurve curve;

  explicit CurveMeasure(const BoostingPlan& plan)
      : plan(plan),
        train_rows(curve_rows(plan.train_labels.size(), plan.fitted_rows,
                              plan.collective
                                  ? kCurveRows / static_cast<size_t>(plan.collective->world_size())
                                  : kCurveRows)),
        train_labels(whole(select_rows(plan.train_labels, train_rows, 1))),
        watched_labels(
            whole(!plan.watched.validation
                      ? std::vector<float>(plan.watched.labels.begin(), plan.watched.labels.end())
                      : select_rows(plan.train_labels, plan.watched.rows, 1))) {
    curve.metric = plan.metric;
    curve.watched = plan.watched.validation ? "validation" : "holdout";
  }

  /// This worker's values joined with every other worker's (distributed), else themselves.
  std::vector<float> whole(std::vector<float> local) const {
    return plan.collective ? plan.collective->gather(local) : local;
  }

  double measure(std::span<const float> labels, std::span<const float> predictions) const {
    return metric_value(plan.task, plan.num_class, plan.metric, labels, predictions);
  }

  /// Appends one round's values and reports the curve so far.
  void record(double train, double watched) {
    curve.train.push_back(train);
    curve.watched_values.push_back(watched);
    curve.rounds_trained = static_cast<int>(curve.train.size());
    if (plan.on_round) plan.on_round(curve);
  }
};

/// The curve measured as each round ends, from XGBoost's cached predictions (early stopping
/// needs the values then). Round 0 is trained already.
Boosted measure_each_round(Booster& booster, const DMatrix& train, CurveMeasure& m) {
  const BoostingPlan& plan = m.plan;
  RoundCurve& curve = m.curve;
  const size_t width = plan.task == Task::kMulticlass ? static_cast<size_t>(plan.num_class) : 1;
  std::optional<DMatrix> holdout;
  if (!plan.watched.validation) holdout.emplace(*plan.watched.holdout);
  std::vector<float> holdout_predictions;
  const bool higher = higher_is_better(plan.metric);
  int best = 0;
  for (int round = 0; round < plan.rounds; ++round) {
    if (round > 0) {
      booster.update_one_iter(round, train);
      if (plan.on_boosted) plan.on_boosted(round + 1);
    }
    // Predictions on matrices the booster caches cost only the newest trees.
    const std::vector<float> on_train = booster.predict(train);
    // A worker whose shard holds no holdout row (a time split puts them all in the last
    // shards) predicts nothing: XGBoost would warn of an empty dataset every round.
    if (holdout && plan.watched.holdout->rows > 0) holdout_predictions = booster.predict(*holdout);
    const double watched = m.measure(
        m.watched_labels, holdout ? m.whole(holdout_predictions)
                                  : m.whole(select_rows(on_train, plan.watched.rows, width)));
    m.record(m.measure(m.train_labels, m.whole(select_rows(on_train, m.train_rows, width))),
             watched);
    if (round == 0 || improves(watched, curve.watched_values[static_cast<size_t>(best)], higher)) {
      best = round;
    }
    if (plan.stopping_rounds > 0 && round - best >= plan.stopping_rounds) {
      curve.stopped_early = round + 1 < plan.rounds;
      break;
    }
  }
  curve.best_round = plan.stopping_rounds > 0 ? best + 1 : curve.rounds_trained;
  return {std::move(curve), std::move(holdout_predictions)};
}

/// The curve of the trained model from its compiled trees: one pass of each round's trees over
/// the curve's training rows and the holdout (both cores), and each round's metric on a second
/// thread while the next round's trees are walked. The metric runs over the same float values
/// in the same order as in the loop, so every value is the same.
Boosted measure_from_trees(const RoundScorer& scorer, CurveMeasure& m) {
  const MatrixRows train_rows(*m.plan.curve_features), holdout_rows(*m.plan.watched.holdout);
  if (train_rows.rows() != m.train_rows.size()) {
    throw InternalError("boost_rounds: {} curve rows but {} rows of features", m.train_rows.size(),
                        train_rows.rows());
  }
  const TreeEnsemble::WideRows train_wide = scorer.widen(train_rows);
  const TreeEnsemble::WideRows holdout_wide = scorer.widen(holdout_rows);
  std::vector<float> train_margins = scorer.base_margins(train_rows.rows());
  std::vector<float> holdout_margins = scorer.base_margins(holdout_rows.rows());
  Boosted boosted;
  if (m.plan.collective) {
    // Distributed: round by round, each round's values over every worker's rows gathered on
    // this thread (the collective's), so a worker holds one round's gathered values at a
    // time. The transform applies value by value, so it may come after the gather; the
    // model's own holdout predictions stay this worker's.
    for (int round = 0; round < scorer.rounds(); ++round) {
      std::vector<std::vector<float>> train_after, holdout_after;
      scorer.add_rounds(round, round + 1, train_wide, train_margins, train_after);
      scorer.add_rounds(round, round + 1, holdout_wide, holdout_margins, holdout_after);
      std::vector<float> train = m.whole(train_after.front());
      std::vector<float> holdout = m.whole(holdout_after.front());
      scorer.transform(train);
      scorer.transform(holdout);
      m.record(m.measure(m.train_labels, train), m.measure(m.watched_labels, holdout));
    }
    scorer.transform(holdout_margins);
    boosted.holdout_predictions = std::move(holdout_margins);
    m.curve.best_round = m.curve.rounds_trained;
    boosted.curve = std::move(m.curve);
    return boosted;
  }
  struct Measured {
    std::vector<std::pair<double, double>> values;  // train, watched, one pair per round
    std::vector<float> holdout;                     // the last round's predictions
  };
  std::future<Measured> pending;
  auto collect = [&] {
    Measured measured = pending.get();
    for (const auto& [train, watched] : measured.values) m.record(train, watched);
    boosted.holdout_predictions = std::move(measured.holdout);
  };
  // Rounds in passes of 8: each pass walks its rounds' trees over the rows block by block,
  // keeping a block in cache, and the pass's metrics run on a second thread during the next.
  constexpr int kRoundsPerPass = 8;
  for (int first = 0; first < scorer.rounds(); first += kRoundsPerPass) {
    const int last = std::min(scorer.rounds(), first + kRoundsPerPass);
    std::vector<std::vector<float>> train_after, holdout_after;
    scorer.add_rounds(first, last, train_wide, train_margins, train_after);
    scorer.add_rounds(first, last, holdout_wide, holdout_margins, holdout_after);
    if (pending.valid()) collect();
    pending = std::async(std::launch::async, [&scorer, &m, train = std::move(train_after),
                                              holdout = std::move(holdout_after)]() mutable {
      Measured measured;
      for (size_t k = 0; k < train.size(); ++k) {
        scorer.transform(train[k]);
        scorer.transform(holdout[k]);
        measured.values.emplace_back(m.measure(m.train_labels, train[k]),
                                     m.measure(m.watched_labels, holdout[k]));
      }
      measured.holdout = std::move(holdout.back());
      return measured;
    });
  }
  collect();
  m.curve.best_round = m.curve.rounds_trained;
  boosted.curve = std::move(m.curve);
  return boosted;
}

std::optional<RoundScorer> compiled(const Booster& booster) {
  return RoundScorer::from_json(nlohmann::json::parse(booster.to_json()));
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

std::vector<size_t> curve_rows(size_t rows, std::span<const size_t> fitted, size_t cap) {
  // An even stride (deterministic, and spread over the whole table): the metric over millions
  // of rows every round cost seconds and changed nothing a chart can show.
  const size_t count = fitted.empty() ? rows : fitted.size();
  cap = std::max<size_t>(1, cap);
  const size_t stride = std::max<size_t>(1, (count + cap - 1) / cap);
  std::vector<size_t> out;
  out.reserve(count / stride + 1);
  for (size_t i = 0; i < count; i += stride) out.push_back(fitted.empty() ? i : fitted[i]);
  return out;
}

Boosted boost_rounds(Booster& booster, const DMatrix& train, const Params& params,
                     const TrainSpec& spec, const BoostingPlan& plan) {
  CurveMeasure measure(plan);
  begin_training(booster, params, spec, train, plan.collective != nullptr);
  if (plan.on_boosted) plan.on_boosted(1);
  // After one round the booster shows whether its trees compile (objective, booster kind).
  const bool afterwards = plan.stopping_rounds == 0 && plan.curve_features &&
                          !plan.watched.validation && compiled(booster).has_value();
  if (!afterwards) return measure_each_round(booster, train, measure);
  for (int round = 1; round < plan.rounds; ++round) {
    booster.update_one_iter(round, train);
    if (plan.on_boosted) plan.on_boosted(round + 1);
  }
  // A copy of the trees replaces the booster: what it kept for training (gradients, row
  // partitions, histograms, the cached predictions) is freed before the curve is measured.
  booster = booster.slice(plan.rounds);
  const std::optional<RoundScorer> scorer = compiled(booster);
  if (!scorer || scorer->rounds() != plan.rounds) {
    throw InternalError("boost_rounds: the trained model's trees no longer compile");
  }
  return measure_from_trees(*scorer, measure);
}

}  // namespace mlops

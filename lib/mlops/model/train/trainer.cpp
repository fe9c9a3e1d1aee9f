#include "mlops/model/train/trainer.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <future>
#include <limits>
#include <optional>
#include <span>

#include "mlops/config/train_params.h"
#include "mlops/core/error.h"
#include "mlops/core/hash.h"
#include "mlops/core/memory.h"
#include "mlops/model/metrics/task_metrics.h"
#include "mlops/model/train/folds.h"
#include "mlops/model/train/params.h"
#include "mlops/model/train/splitmix.h"
#include "mlops/model/trees/tree_ensemble.h"
#include "mlops/model/xgb/row_source.h"
#include "mlops/model/xgb/xgb.h"

namespace mlops {

namespace {

// Independent streams from the one split seed, so the validation set, the folds and the
// baseline's sample do not repeat the holdout's shuffle.
constexpr uint64_t kValidationSalt = 0x3c6ef372fe94f82bULL;
constexpr uint64_t kFoldSalt = 0xa54ff53a5f1d36f1ULL;
constexpr uint64_t kBaselineSalt = 0x510e527fade682d1ULL;
// Values the baseline's design matrix may hold (rows x features): 160 MB of doubles.
constexpr size_t kBaselineMaxValues = 20'000'000;

template <typename T>
std::vector<T> take(std::span<const T> values, std::span<const size_t> rows) {
  std::vector<T> out;
  out.reserve(rows.size());
  for (size_t row : rows) out.push_back(values[row]);
  return out;
}

// The task for the objective, with num_class normalised: 2 for binary, 0 for regression.
Task checked_task(const TrainSpec& spec, int& num_class) {
  if (spec.rounds < 1) throw ConfigError("train.rounds: {} is not at least 1", spec.rounds);
  Task task = task_for_objective(spec.objective);
  if (task == Task::kBinary) num_class = 2;
  if (task == Task::kRegression) num_class = 0;
  if (task == Task::kMulticlass && num_class < 2) {
    throw DataError("multiclass training needs at least 2 label classes, found {}", num_class);
  }
  return task;
}

// Throws DataError for a class label that is not an index 0..num_class-1.
void check_class(float label, size_t row, int num_class) {
  if (!(label >= 0 && label < static_cast<float>(num_class)) || label != std::floor(label)) {
    throw DataError("label {} in row {} is not a class index 0..{}", label, row + 1, num_class - 1);
  }
}

bool uses_gbtree(const TrainSpec& spec) {
  return train_param_text(spec, "booster") == "gbtree";
}

bool uses_gblinear(const TrainSpec& spec) {
  return train_param_text(spec, "booster") == "gblinear";
}

/// Trees the compiled layout always takes: grown depth-wise to at most HeapForest::kMaxDepth
/// levels. Lossguide growth or max_depth 0 can go deeper in any round, so their curve stays
/// in the boosting loop.
bool depth_bounded(const TrainSpec& spec) {
  const int64_t depth = train_param_int(spec, "max_depth");
  return train_param_text(spec, "grow_policy") == "depthwise" && depth > 0 &&
         depth <= static_cast<int64_t>(HeapForest::kMaxDepth);
}

/// The model's predictions of the `holdout` rows: from its compiled trees when they reproduce
/// it (TreeEnsemble: XGBoost's arithmetic to the bit, softmax included, and several times
/// faster than its in-place prediction), else from XGBoost: in place, or through a DMatrix for
/// gblinear, which cannot predict in place.
std::vector<float> predict_holdout(const Booster& model, const FeatureMatrix& holdout,
                                   const TrainSpec& spec) {
  const MatrixRows rows(holdout);
  if (const auto trees = TreeEnsemble::from_json(nlohmann::json::parse(model.to_json()))) {
    return trees->predict(rows);
  }
  if (uses_gblinear(spec)) {
    return model.predict(DMatrix(holdout));
  }
  return model.predict(rows);
}

/// The rows of a source and then one row of missing values.
class MissingRowAfter : public RowSource {
 public:
  explicit MissingRowAfter(const RowSource& rows) : rows_(rows) {}
  size_t rows() const override { return rows_.rows() + 1; }
  const std::vector<std::string>& names() const override { return rows_.names(); }
  void fill(size_t begin, size_t end, std::vector<float>& out) const override {
    const size_t real = std::min(end, rows_.rows());
    if (begin < real) {
      rows_.fill(begin, real, out);
    } else {
      out.clear();
    }
    if (end > real) out.resize(out.size() + cols(), std::numeric_limits<float>::quiet_NaN());
  }

 private:
  const RowSource& rows_;
};

/// Whether any value of `rows` is missing (NaN).
bool has_missing(const RowSource& rows) {
  constexpr size_t kBatch = 1 << 16;
  std::vector<float> values;
  for (size_t begin = 0; begin < rows.rows(); begin += kBatch) {
    rows.fill(begin, std::min(rows.rows(), begin + kBatch), values);
    if (std::any_of(values.begin(), values.end(), [](float v) { return std::isnan(v); })) {
      return true;
    }
  }
  return false;
}

/// The training matrix: quantized straight from batches for trees grown by hist (no dense
/// copy), else dense (gblinear needs the values themselves).
DMatrix training_matrix(const RowSource& rows, const std::vector<float>& labels,
                        const TrainSpec& spec) {
  if (train_param_text(spec, "tree_method") == "hist" && !uses_gblinear(spec)) {
    const auto max_bin = static_cast<int>(train_param_int(spec, "max_bin"));
    const auto nthread = static_cast<int>(train_param_int(spec, "nthread"));
    return DMatrix::quantile(rows, labels, max_bin, nthread);
  }
  return DMatrix(gather_all(rows), &labels);
}

/// One class id per row to stratify by for classification; none for regression.
std::vector<int> class_strata(Task task, std::span<const float> labels) {
  if (task == Task::kRegression) return {};
  return std::vector<int>(labels.begin(), labels.end());
}

std::optional<std::span<const int>> strata_or_none(const std::vector<int>& strata) {
  if (strata.empty()) return std::nullopt;
  return std::span<const int>(strata);
}

/// Early stopping's validation rows, carved from the training side (local indices): grouped
/// for a group split, else seeded and stratified for classification. .train = rows fitted.
SplitIndices carve_validation(const TrainSpec& spec, Task task, std::span<const float> labels,
                              std::span<const uint64_t> groups, uint64_t rank) {
  // Each worker's own stream (rank 0 and one process: the same one); a group split's hash
  // still sends a group to the same side on every worker.
  const uint64_t seed = mix64(spec.split.seed ^ kValidationSalt ^ rank);
  constexpr std::string_view key = "train.early_stopping.validation";
  if (!groups.empty()) return group_split(groups, spec.early_stopping.validation, seed, key);
  return random_split(labels.size(), spec.early_stopping.validation, seed,
                      strata_or_none(class_strata(task, labels)), key);
}

/// Cross-validation folds of the training side: whole groups for a group split, else seeded
/// and stratified for classification.
std::vector<int> fold_assignment(const TrainSpec& spec, Task task, std::span<const float> labels,
                                 std::span<const uint64_t> groups) {
  const uint64_t seed = mix64(spec.split.seed ^ kFoldSalt);
  if (!groups.empty()) return group_kfold_assignment(groups, spec.cv_folds, seed);
  return kfold_assignment(labels.size(), spec.cv_folds, seed,
                          strata_or_none(class_strata(task, labels)));
}

/// The rows of the training side the baseline is fitted on: a seeded sample when there are
/// more than its design matrix may hold, else all.
std::vector<size_t> baseline_sample(const RowSource& rows, uint64_t seed, size_t workers) {
  const size_t cap = std::max<size_t>(
      1,
      std::min(kBaselineMaxRows, kBaselineMaxValues / std::max<size_t>(1, rows.cols())) / workers);
  if (rows.rows() > cap) {
    return random_sample(rows.rows(), static_cast<double>(cap) / static_cast<double>(rows.rows()),
                         mix64(seed ^ kBaselineSalt), "baseline sample");
  }
  std::vector<size_t> all(rows.rows());
  for (size_t i = 0; i < all.size(); ++i) all[i] = i;
  return all;
}

/// Trains on one side, measures on the other. Both sides are row sources in split order; they
/// are read only until the training matrix is built, then `release_rows` (if set) is called so
/// the caller can free them before the boosting rounds.
TrainResult train_on(const RowSource& train_rows, const RowSource& holdout_rows,
                     const std::vector<float>& labels, const SplitIndices& split,
                     const TrainSpec& spec, int num_class, const std::string& model_path,
                     const TrainOptions& options, const std::function<void()>& release_rows) {
  TrainResult result;
  const Collective* team = options.collective;
  // Gathers this worker's values with every other worker's (distributed), else keeps them.
  auto whole = [team](std::vector<float> local) {
    return team ? team->gather(local) : std::move(local);
  };
  const Task task = result.task = checked_task(spec, num_class);
  if (team) check_distributed_spec(spec);
  result.num_class = num_class;
  Params params = booster_params(spec, task, num_class);
  const std::string metric =
      spec.early_stopping.metric.empty() ? default_metric(task) : spec.early_stopping.metric;
  check_metric_name(task, metric, "train.early_stopping.metric");
  const bool stopping = spec.early_stopping.rounds > 0;
  if (stopping && uses_gblinear(spec)) {
    throw ConfigError("train.early_stopping.rounds: early stopping needs a tree booster");
  }
  for (const auto* side : {&split.train, &split.holdout}) {
    for (size_t row : *side) {
      if (row >= labels.size()) {
        throw InternalError("train_xgboost: split row {} of {}", row, labels.size());
      }
      if (task != Task::kRegression) check_class(labels[row], row, num_class);
    }
  }
  if (!team && (split.train.empty() || split.holdout.empty())) {
    throw InternalError("train_xgboost: an empty side in the split");
  }
  if (team && split.train.empty()) {
    throw DataError(
        "distributed training: rank {}'s shard of the table holds no training rows "
        "(use fewer workers)",
        team->rank());
  }
  if (!options.groups.empty() && options.groups.size() != labels.size()) {
    throw InternalError("train_xgboost: {} groups for {} rows", options.groups.size(),
                        labels.size());
  }
  result.train_rows = split.train.size();
  result.holdout_rows = split.holdout.size();
  if (team) {
    std::vector<uint64_t> counts{result.train_rows, result.holdout_rows};
    team->sum(counts);
    result.train_rows = counts[0];
    result.holdout_rows = counts[1];
    if (result.holdout_rows == 0) {
      throw DataError("distributed training: no worker's shard holds a holdout row");
    }
  }

  const std::vector<float> train_labels = take<float>(labels, split.train);
  const std::vector<float> holdout_labels = take<float>(labels, split.holdout);
  const std::vector<uint64_t> train_groups =
      options.groups.empty() ? std::vector<uint64_t>{} : take(options.groups, split.train);

  // With early stopping the validation rows stay in the training matrix with weight 0: one
  // quantized copy serves both, and the cached predictions score them each round for free.
  SplitIndices watch;
  if (stopping) {
    watch = carve_validation(spec, task, train_labels, train_groups,
                             team ? static_cast<uint64_t>(team->rank()) : 0);
  }
  result.validation_rows = watch.holdout.size();
  if (team) {
    std::vector<uint64_t> count{result.validation_rows};
    team->sum(count);
    result.validation_rows = count[0];
  }
  {
    std::vector<float> fitted =
        stopping ? take<float>(train_labels, watch.train) : std::vector<float>(train_labels);
    if (base_score_from_labels(spec)) fitted = whole(std::move(fitted));
    add_base_score(params, spec, fitted);
  }
  // What is read after training is copied first, dense and small next to the training side:
  // the holdout (scored after training) and the baseline's sample.
  // (The holdout's copy, the largest, is made on a second core beside the other two.)
  std::future<FeatureMatrix> holdout_copy =
      std::async(std::launch::async, [&] { return gather_all(holdout_rows); });
  const std::vector<size_t> baseline_rows = baseline_sample(
      train_rows, spec.split.seed, team ? static_cast<size_t>(team->world_size()) : 1);
  FeatureMatrix baseline_features = gather_rows(train_rows, baseline_rows);
  std::vector<float> baseline_labels = take<float>(train_labels, baseline_rows);
  if (team) {
    // Every worker fits the one baseline on every worker's sample: the same rows in the same
    // order, so the same model.
    baseline_features.values = team->gather(baseline_features.values);
    baseline_features.rows =
        baseline_features.values.size() / std::max<size_t>(1, baseline_features.names.size());
    baseline_labels = team->gather(baseline_labels);
  }
  // Without early stopping the curve can be measured after training, from the trees: it then
  // needs the features of the rows its training line is drawn on.
  // Distributed training always measures it so (every worker decides alike), each worker
  // drawing 1/N of the curve's rows: the curve's values are gathered after training instead of
  // in every round, and no worker holds XGBoost's copy of its holdout rows.
  const bool curve_after = !stopping && uses_gbtree(spec) && depth_bounded(spec) &&
                           (team || train_labels.size() > options.curve_after_rows);
  const size_t curve_cap = team ? kCurveRows / static_cast<size_t>(team->world_size()) : kCurveRows;
  const FeatureMatrix curve_features =
      curve_after ? gather_rows(train_rows, curve_rows(train_labels.size(), watch.train, curve_cap))
                  : FeatureMatrix{};
  const FeatureMatrix holdout = holdout_copy.get();
  // XGBoost 1.7.4's hist takes a faster path on a matrix without missing values, and workers
  // on different paths grow different trees and then hang in the allreduce (fixed upstream in
  // 1.7.6, dmlc/xgboost#9272). When any worker's rows miss a value, a worker whose rows miss
  // none appends one row of missing values with weight 0: it adds nothing to the sketches or
  // the gradients, and every worker takes the same path.
  bool padded = false;
  if (team) {
    const bool missing = has_missing(train_rows);
    std::vector<uint64_t> with_missing{missing ? 1u : 0u};
    team->sum(with_missing);
    padded = with_missing[0] > 0 && !missing;
  }
  std::vector<float> matrix_labels;
  if (padded) {
    matrix_labels = train_labels;
    matrix_labels.push_back(train_labels.front());  // a valid label; its weight is 0
  }
  std::optional<DMatrix> train;
  train.emplace(padded ? training_matrix(MissingRowAfter(train_rows), matrix_labels, spec)
                       : training_matrix(train_rows, train_labels, spec));
  if (release_rows) release_rows();
  // The freed rows go back to the system, and the baseline is fitted now: its design matrix
  // then adds to the least this training holds (the rows freed, the boosting rounds' buffers
  // not yet allocated), and its sample is freed before the rounds.
  release_free_memory();
  const MatrixRows holdout_view(holdout);
  result.baseline =
      BaselineModel::fit(baseline_features, baseline_labels, task, num_class, spec.split.seed);
  const std::vector<float> baseline_holdout = result.baseline.predict(holdout_view);
  baseline_features = FeatureMatrix();
  baseline_labels = std::vector<float>();
  release_free_memory();
  if (stopping || padded) {
    std::vector<float> weights(train_labels.size(), 1.0f);
    for (size_t row : watch.holdout) weights[row] = 0.0f;
    if (padded) weights.push_back(0.0f);
    train->set_weights(weights);
  }

  std::optional<Booster> booster;
  booster.emplace(std::vector<const DMatrix*>{&*train});
  BoostingPlan plan{task,
                    num_class,
                    metric,
                    spec.rounds,
                    spec.early_stopping.rounds,
                    train_labels,
                    watch.train,
                    // Without a validation set the curve draws the holdout; it selects nothing,
                    // so stays honest.
                    {stopping, watch.holdout, &holdout, holdout_labels},
                    curve_after ? &curve_features : nullptr,
                    options.on_boosted,
                    options.on_round,
                    team};
  Boosted boosted = boost_rounds(*booster, *train, params, spec, plan);
  result.curve = std::move(boosted.curve);
  // Only the rounds kept are saved, so every reader (Python, Booster, TreeEnsemble) uses them.
  // A tree model is always a copy of its trees: what the booster kept for training (gradients,
  // row partitions, histograms) is freed with it, and the training matrix with it unless
  // cross-validation needs it, before the work after training.
  Booster model = result.curve.best_round < result.curve.rounds_trained || !uses_gblinear(spec)
                      ? booster->slice(result.curve.best_round)
                      : std::move(*booster);
  booster.reset();
  if (spec.cv_folds == 0) train.reset();
  release_free_memory();
  // The curve's last holdout predictions are the model's (gbtree: dart's cached sums round
  // differently); else the holdout is scored now.
  if (team) {
    // XGBoost grows the same trees on every worker; a difference would be a silent bug.
    const auto [low, high] = team->min_max(hash64(model.to_json()));
    if (low != high) {
      throw ModelError("distributed training: the workers' models differ (rank {} of {})",
                       team->rank(), team->world_size());
    }
  }
  // In a distributed job the holdout is every worker's, in rank order.
  const bool cached = !boosted.holdout_predictions.empty();
  result.holdout_predictions =
      whole(cached && uses_gbtree(spec) ? std::move(boosted.holdout_predictions)
                                        : predict_holdout(model, holdout, spec));
  const std::vector<float> all_holdout_labels = whole(holdout_labels);
  result.holdout_metrics =
      task_metrics(task, num_class, all_holdout_labels, result.holdout_predictions);
  if (task != Task::kRegression) {
    result.confusion =
        confusion_matrix(all_holdout_labels,
                         predicted_classes(task, num_class, result.holdout_predictions), num_class);
  }
  // Gain is defined for trees only; a linear booster reports no importance.
  if (!uses_gblinear(spec)) result.importance = model.gain_importance();
  std::stable_sort(result.importance.begin(), result.importance.end(),
                   [](const auto& a, const auto& b) {
                     return a.second != b.second ? a.second > b.second : a.first < b.first;
                   });
  if (!model_path.empty()) model.save_json(model_path);

  result.baseline_metrics =
      task_metrics(task, num_class, all_holdout_labels, whole(baseline_holdout));

  if (spec.cv_folds > 0) {
    result.cv = cross_validate(
        *train, train_labels, fold_assignment(spec, task, train_labels, train_groups),
        spec.cv_folds, params, result.curve.best_round, task, num_class, options.on_fold);
  }
  result.holdout_labels = all_holdout_labels;
  return result;
}

}  // namespace

void check_distributed_spec(const TrainSpec& spec) {
  if (spec.cv_folds > 0) {
    throw ConfigError(
        "train.cv.folds: cross-validation runs in one process; set it to 0 for distributed "
        "training (--workers, --rank)");
  }
  if (train_param_text(spec, "tree_method") != "hist" || uses_gblinear(spec)) {
    throw ConfigError(
        "train.params.tree_method: distributed training needs tree_method 'hist' and a tree "
        "booster");
  }
}

TrainResult train_xgboost(const FeatureMatrix& features, const std::vector<float>& labels,
                          const TrainSpec& spec, int num_class, const std::string& model_path) {
  if (labels.size() != features.rows) {
    throw InternalError("train_xgboost: {} labels for {} rows", labels.size(), features.rows);
  }
  const Task task = checked_task(spec, num_class);
  std::vector<int> classes;
  if (task != Task::kRegression) {
    for (size_t row = 0; row < labels.size(); ++row) {
      check_class(labels[row], row, num_class);
      classes.push_back(static_cast<int>(labels[row]));
    }
  }
  std::optional<std::span<const int>> strata;
  if (task != Task::kRegression && spec.split.stratify) strata = classes;
  SplitIndices split = random_split(features.rows, spec.split.holdout, spec.split.seed, strata);
  return train_xgboost(features, labels, split, spec, num_class, model_path);
}

TrainResult train_xgboost(const FeatureMatrix& features, const std::vector<float>& labels,
                          const SplitIndices& split, const TrainSpec& spec, int num_class,
                          const std::string& model_path, const TrainOptions& options) {
  if (labels.size() != features.rows) {
    throw InternalError("train_xgboost: {} labels for {} rows", labels.size(), features.rows);
  }
  const MatrixRows train(features, split.train, false), holdout(features, split.holdout, false);
  return train_on(train, holdout, labels, split, spec, num_class, model_path, options, {});
}

TrainResult train_xgboost(Table&& features, const std::vector<std::string>& names,
                          const std::vector<float>& labels, const SplitIndices& split,
                          const TrainSpec& spec, int num_class, const std::string& model_path,
                          const TrainOptions& options) {
  if (labels.size() != features.num_rows()) {
    throw InternalError("train_xgboost: {} labels for {} rows", labels.size(), features.num_rows());
  }
  const TableRows train = TableRows::select(features, names, split.train);
  const TableRows holdout = TableRows::select(features, names, split.holdout);
  // Freed once XGBoost's quantized copy holds the training rows: the table's 8-byte columns
  // would otherwise stay resident through every boosting round.
  return train_on(train, holdout, labels, split, spec, num_class, model_path, options,
                  [&features] { features = Table(); });
}

}  // namespace mlops

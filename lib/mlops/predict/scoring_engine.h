#pragma once
// The scoring engine: one model bundle loaded from a model directory (a registered version's,
// or a run's train/) that turns raw rows into predictions. The bundle is the saved feature state
// (applied, never refitted, so scoring computes exactly the training features), the XGBoost
// model compiled for fast scoring (TreeEnsemble, the same numbers as XGBoost) or the booster
// itself when the trees cannot be compiled, the baseline as the last fallback when model.json
// cannot be used, and the metadata (task, version). batch-predict streams windows through it; a
// single-request server scores one row at a time with the same engine, so a row gets the same
// number in both.
//
// Thread safety: after load(), an engine is immutable; score() is const and may be called from
// many threads at once on one engine (the feature transforms and the compiled trees keep no
// state between calls; XGBoost's in-place prediction is thread-safe and returns its results in
// a per-thread buffer, copied out before the next call).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mlops/core/table.h"
#include "mlops/features/feature_pipeline.h"
#include "mlops/io/read_result.h"
#include "mlops/model/baseline/baseline.h"
#include "mlops/model/task.h"
#include "mlops/model/trees/tree_ensemble.h"
#include "mlops/model/xgb/xgb.h"

namespace mlops {

/// Which model answered.
enum class ScoreSource {
  kModel,     // the trained XGBoost model (compiled trees or the booster)
  kBaseline,  // the baseline trained beside it, because model.json could not be used
};
/// "model" or "baseline".
std::string_view score_source_name(ScoreSource source);

/// What a caller asks of one score() call besides the rows.
struct ScoreOptions {
  /// Input columns copied in front of the predictions (the row's key).
  std::vector<std::string> id_columns;
  /// The scored_at value of every row, microseconds since the epoch.
  int64_t scored_at_micros = 0;
  /// Also return the transformed features (for drift checks and the prediction log), so they
  /// are computed once.
  bool keep_features = false;
};

/// The scores of one batch of rows, one output row per input row, in input order.
struct ScoredBatch {
  /// The id columns, `prediction` (class name for classification, value for regression),
  /// `probability` (binary: of the positive class) or `probability_<class>` (multiclass),
  /// `model_version` and `scored_at`.
  Table predictions;
  /// The transformed features in the model's order; empty unless ScoreOptions::keep_features
  /// (and for an empty batch).
  Table features;
  ScoreSource source = ScoreSource::kModel;
};

/// A loaded model bundle: immutable after load(), scored from any number of threads.
class ScoringEngine {
 public:
  /// Loads model_meta.json, feature_state.json and model.json (compiling its trees when they
  /// can be) from `model_dir`; no run directory is needed. `version` labels every prediction;
  /// default the id of the run that trained the model. When model.json cannot be loaded and
  /// baseline.json can, the baseline scores (with a warning, and "+baseline" appended to the
  /// version). Throws IoError / ModelError / DataError naming the unreadable file.
  static ScoringEngine load(const std::string& model_dir, const std::string& version = "");

  /// Scores every row of `rows` (raw input columns, as ingest types them): the saved features
  /// are computed, then scored by the compiled trees, else the booster, else the baseline.
  /// One row alone gets the same output as in any batch when the features are row-independent
  /// (row_independent()). An empty table gets the output's columns. Thread-safe (const).
  /// Throws DataError naming a missing id or feature column.
  ScoredBatch score(Table rows, const ScoreOptions& options) const;

  /// The raw input columns the model was trained on, with their types (model_meta.json's
  /// input_schema, the training clean table's sidecar); empty for a model saved before it was
  /// recorded.
  const std::vector<ColumnDecl>& input_schema() const { return input_schema_; }
  /// Whether the saved feature state names input column `name` as a feature or in a transform
  /// (a source column, an expression operand; the drop list and the label do not count). False
  /// means scoring never reads the column; true may be too broad (a name that is a substring of an
  /// expression).
  bool may_read_column(const std::string& name) const;
  /// The fitted feature transforms (feature names, label classes).
  const FeaturePipeline& features() const { return features_; }
  /// False when a transform needs earlier rows (a window aggregate): such inputs must be scored
  /// whole, not in batches or one row at a time.
  bool row_independent() const { return features_.row_independent(); }
  Task task() const { return task_; }
  /// Written to every prediction: e.g. "v3", or "v3+baseline" when the baseline scores.
  const std::string& version() const { return version_; }
  /// Where it was loaded from (profile.json, the training features' profile, lives there too).
  const std::string& model_dir() const { return dir_; }
  /// Which model answers every score() of this engine.
  ScoreSource source() const { return baseline_ ? ScoreSource::kBaseline : ScoreSource::kModel; }
  /// The baseline standing in for the model, or null when the model scores.
  const BaselineModel* baseline() const { return baseline_ ? &*baseline_ : nullptr; }
  /// Why the baseline scores (the error loading model.json); empty when the model does.
  const std::string& fallback_reason() const { return fallback_reason_; }

 private:
  ScoringEngine(FeaturePipeline features, Task task, std::string version, std::string dir);

  FeaturePipeline features_;
  std::optional<Booster> booster_;
  std::optional<TreeEnsemble> trees_;  // the booster's trees compiled, when the model allows
  std::optional<BaselineModel> baseline_;
  std::vector<ColumnDecl> input_schema_;
  std::string feature_state_text_;  // the saved transforms, serialised, for may_read_column
  std::string fallback_reason_;
  Task task_;
  std::string version_;
  std::string dir_;
};

}  // namespace mlops

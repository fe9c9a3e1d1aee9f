#pragma once
// The declared transforms as one unit: fitted on training rows, saved as feature_state.json
// beside the model, and reloaded by batch-predict so scoring computes exactly the training
// features. The state file is self-contained: it holds the transform declarations too.

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "mlops/config/workflow.h"
#include "mlops/core/table.h"
#include "mlops/expr/expression.h"
#include "mlops/features/transform.h"

namespace mlops {

/// What the pipeline knows about the label; saved with the feature state.
struct LabelInfo {
  std::string column;                // the label column's name
  std::string expr;                  // the expression computing it; "" for a plain column
  std::vector<std::string> sources;  // columns the expression reads: never features
  bool categorical = false;
  std::vector<std::string> classes;  // sorted class names, categorical labels only
};

/// The transforms of a workflow, fitted once and applied to any table of the same shape.
class FeaturePipeline {
 public:
  /// Builds the transforms and parses the label expression; throws ConfigError for a bad
  /// declaration, naming its origin.
  FeaturePipeline(const FeaturizeSpec& spec, bool categorical_label);

  /// The label of every row of `table`: the declared column, or the label expression's value
  /// named label().column (a condition gives a bool column, classes "false" and "true").
  /// Throws ConfigError naming featurize.label when the column is missing, and what the
  /// expression throws (a missing source column, a type mismatch).
  Column label_column(const Table& table) const;
  /// Fits each transform in order on the training `rows` of `table`, whose label is `label`
  /// (from label_column(), computed once by the caller that also splits on it; each sees the
  /// previous one's output), fixes the feature list and learns the label classes; returns what
  /// transform(table) returns, except that target-encoded training rows get out-of-fold values.
  /// Throws DataError for a missing column and a non-numeric regression label, ConfigError for
  /// a string feature left unencoded.
  Table fit_transform(Table table, const Column& label, std::span<const size_t> rows);
  /// fit_transform() on every row of `training`, keeping only the fitted state.
  void fit(const Table& training);
  /// Applies the fitted transforms and returns the feature columns in fitted order, followed by
  /// the label column when `input` has it (or, for a label expression, has its source
  /// columns). Throws DataError naming a missing feature column.
  Table transform(Table input) const;

  /// False when some transform needs the whole input at once (a window aggregate looks at
  /// earlier rows): scoring must then not split the input into batches.
  bool row_independent() const;
  /// True when fit_transform() gave training rows other feature values than transform() gives
  /// the same rows (out-of-fold target encoding): a profile of what scoring sees must then be
  /// taken from transform(), not from the feature table featurize wrote.
  bool out_of_fold() const;
  const std::vector<std::string>& feature_names() const { return feature_names_; }
  const LabelInfo& label() const { return label_; }
  /// Class index of each row's label (categorical), or the value (numeric); NaN for null and
  /// for classes not seen in training.
  std::vector<float> encode_label(const Column& label) const;

  nlohmann::json to_json() const;
  /// Throws DataError / ConfigError for a state file this version cannot read.
  static FeaturePipeline from_json(const nlohmann::json& state);
  void save(const std::string& path) const;
  /// Throws IoError / DataError naming the path.
  static FeaturePipeline load(const std::string& path);

 private:
  FeaturePipeline() = default;
  void set_label_expression(const std::string& text, const std::string& where);
  /// The input plus, when it can be computed, the label column (so transforms may read it).
  Table with_label(Table input, std::optional<Column>& label) const;

  std::vector<ConfigNode> specs_;
  std::vector<std::unique_ptr<Transform>> transforms_;
  std::vector<std::string> drop_;
  std::vector<std::string> feature_names_;
  LabelInfo label_;
  std::optional<Expression> label_expr_;
};

}  // namespace mlops

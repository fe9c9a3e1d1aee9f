#pragma once
// Target encoding: a category becomes the smoothed mean of the label among training rows with
// that category. Fitted out of fold: each training row's value comes from the other folds'
// rows, so no row ever sees its own label (the leak that makes naive target encoding look
// better in training than it is).

#include <map>

#include "mlops/features/categories.h"
#include "mlops/features/transform.h"

namespace mlops {

/// {type: target_encode, columns: [origin], folds: 5, smoothing: 20, unseen: prior, seed: 42}
///
/// encoding(c) = (sum of labels of c + smoothing * prior) / (rows of c + smoothing), with prior
/// the training mean of the label. Binary and regression labels give one float64 column in
/// place; a multiclass label gives one column per class, "<column>_te_<class>", holding the
/// smoothed share of that class. With one column, `name: out` writes "out" (or
/// "out_te_<class>") and keeps the input. Null stays null; an unseen category gets the prior
/// (`unseen: prior`, the default), null, or throws (`error`). Needs a label: fit throws DataError
/// otherwise.
class TargetEncodeTransform : public Transform {
 public:
  explicit TargetEncodeTransform(const ConfigNode& spec);
  void fit(const Table& table, const FitContext& context) override;
  void apply(Table& table) const override;
  void apply_fitted(Table& table, const FitContext& context) const override;
  bool out_of_fold() const override { return true; }
  nlohmann::json state() const override;
  void load_state(const nlohmann::json& state) override;

 private:
  /// Label sums per category: one value per output (1 or the number of classes).
  struct Sums {
    double rows = 0;
    std::vector<double> sums;
  };
  size_t outputs() const { return classes_.empty() ? 1 : classes_.size(); }
  std::vector<std::string> output_names(const std::string& column) const;
  /// Each row's encodings with the full training statistics (unseen values as declared).
  std::vector<std::vector<double>> encode(const Column& input, const std::string& name) const;
  /// Writes the encoded columns for `column` given each row's encodings (NaN = null).
  void write(Table& table, const std::string& column,
             const std::vector<std::vector<double>>& values) const;

  std::vector<std::string> columns_;
  std::string output_;
  size_t folds_ = 5;
  double smoothing_ = 20;
  std::string unseen_ = "prior";
  uint64_t seed_ = 42;
  std::vector<std::string> classes_;  // empty: binary or regression (one output)
  std::vector<double> prior_;
  std::map<std::string, StringMap<std::vector<double>>> encodings_;
};

}  // namespace mlops

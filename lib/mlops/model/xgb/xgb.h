#pragma once
// RAII over the XGBoost C API (xgb_api.h: libxgboost is opened on first use). Every call goes
// through MLOPS_XGB_CHECK, which throws ModelError with XGBGetLastError(); results are copied
// out before the next call.

#include <span>
#include <string>
#include <utility>
#include <vector>

#include "mlops/model/xgb/matrix.h"
#include "mlops/model/xgb/row_source.h"
#include "mlops/model/xgb/xgb_api.h"

namespace mlops {

/// Throws ModelError("xgboost: <what>: <XGBGetLastError()>") when `status` is non-zero.
void xgb_check(int status, const char* what);
/// Calls the XGBoost function `call` names through xgb() and checks its status:
/// MLOPS_XGB_CHECK(XGBoosterFree(handle)).
#define MLOPS_XGB_CHECK(call) ::mlops::xgb_check((::mlops::xgb().call), #call)

class DMatrix {
 public:
  /// From a dense matrix (NaN = missing), with optional labels, and feature names set.
  explicit DMatrix(const FeatureMatrix& matrix, const std::vector<float>* labels = nullptr);
  /// A quantized DMatrix for the `hist` tree method, built from `rows` a batch at a time: no
  /// dense or CSR copy of the data is kept, only the histogram bin index. `labels` are the
  /// rows' labels in the source's order.
  static DMatrix quantile(const RowSource& rows, std::span<const float> labels, int max_bin,
                          int nthread);
  /// Per-row weights (0 leaves a row out of training while it stays predictable).
  void set_weights(std::span<const float> weights);
  DMatrix(DMatrix&& other) noexcept : handle_(std::exchange(other.handle_, nullptr)) {}
  ~DMatrix();
  DMatrix(const DMatrix&) = delete;
  DMatrix& operator=(const DMatrix&) = delete;
  DMatrixHandle handle() const { return handle_; }

 private:
  DMatrix() = default;
  DMatrixHandle handle_ = nullptr;
};

class Booster {
 public:
  /// A new booster to train on `cache` matrices.
  explicit Booster(const std::vector<const DMatrix*>& cache);
  /// Loads a saved model (XGBoost JSON); throws ModelError naming the path.
  static Booster load(const std::string& path);
  ~Booster();
  Booster(Booster&& other) noexcept : handle_(std::exchange(other.handle_, nullptr)) {}
  /// Frees this booster's model (and what it keeps for training) and takes `other`'s.
  Booster& operator=(Booster&& other) noexcept;
  Booster(const Booster&) = delete;

  void set_param(const std::string& name, const std::string& value);
  /// The first `rounds` boosting rounds (every tree of each) as a new booster.
  Booster slice(int rounds) const;
  int boosted_rounds() const;
  void update_one_iter(int iteration, const DMatrix& train);
  /// Predictions: rows for binary/regression, rows * num_class for multi:softprob.
  std::vector<float> predict(const DMatrix& data) const;
  /// The same from rows fed in batches without building a DMatrix (in-place prediction).
  std::vector<float> predict(const RowSource& rows, int nthread = 2) const;
  /// Saves as XGBoost JSON (the format the Python package loads) to `path`, atomically;
  /// throws IoError naming `path` when it cannot be written (a full disk: exit 5).
  void save_json(const std::string& path) const;
  /// The model as XGBoost JSON text, what save_json writes.
  std::string to_json() const;
  /// Gain importance per feature name, features never split on omitted.
  std::vector<std::pair<std::string, double>> gain_importance() const;
  BoosterHandle handle() const { return handle_; }

 private:
  Booster() = default;
  BoosterHandle handle_ = nullptr;
};

}  // namespace mlops

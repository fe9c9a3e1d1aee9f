#include "mlops/model/xgb/xgb.h"

#include <limits>

#include "mlops/core/error.h"
#include "mlops/io/file.h"
#include "mlops/model/xgb/xgb_error.h"

namespace mlops {

namespace {

// "XGBoosterCreate(dmats, n, &out)" -> "XGBoosterCreate": the macro passes the whole call.
std::string_view function_name(std::string_view call) {
  return call.substr(0, call.find('('));
}

constexpr const char* kPredictConfig =
    R"({"type":0,"training":false,"iteration_begin":0,"iteration_end":0,"strict_shape":false})";

}  // namespace

void xgb_check(int status, const char* what) {
  if (status != 0) {
    throw ModelError("xgboost: {}: {}", function_name(what), xgb_last_error());
  }
}

DMatrix::DMatrix(const FeatureMatrix& matrix, const std::vector<float>* labels) {
  const size_t columns = matrix.names.size();
  if (matrix.values.size() != matrix.rows * columns) {
    throw InternalError("DMatrix: {} values for {} rows x {} columns", matrix.values.size(),
                        matrix.rows, columns);
  }
  if (labels && labels->size() != matrix.rows) {
    throw InternalError("DMatrix: {} labels for {} rows", labels->size(), matrix.rows);
  }
  MLOPS_XGB_CHECK(XGDMatrixCreateFromMat_omp(matrix.values.data(), matrix.rows, columns,
                                             std::numeric_limits<float>::quiet_NaN(), &handle_, 2));
  try {
    if (labels) {
      MLOPS_XGB_CHECK(XGDMatrixSetFloatInfo(handle_, "label", labels->data(), labels->size()));
    }
    std::vector<const char*> names;
    names.reserve(columns);
    for (const auto& name : matrix.names) names.push_back(name.c_str());
    MLOPS_XGB_CHECK(XGDMatrixSetStrFeatureInfo(handle_, "feature_name", names.data(), columns));
  } catch (...) {
    xgb().XGDMatrixFree(handle_);  // the destructor does not run for a half-built object
    throw;
  }
}

void DMatrix::set_weights(std::span<const float> weights) {
  MLOPS_XGB_CHECK(XGDMatrixSetFloatInfo(handle_, "weight", weights.data(), weights.size()));
}

DMatrix::~DMatrix() {
  if (handle_) xgb().XGDMatrixFree(handle_);
}

Booster::Booster(const std::vector<const DMatrix*>& cache) {
  std::vector<DMatrixHandle> handles;
  handles.reserve(cache.size());
  for (const DMatrix* matrix : cache) handles.push_back(matrix->handle());
  MLOPS_XGB_CHECK(XGBoosterCreate(handles.data(), handles.size(), &handle_));
  if (cache.empty()) return;
  try {
    // The C API does not pass a DMatrix's feature names on to the booster (the Python package
    // does this itself); without them the model and importance would say f0, f1, ...
    bst_ulong count = 0;
    const char** names = nullptr;
    MLOPS_XGB_CHECK(
        XGDMatrixGetStrFeatureInfo(cache.front()->handle(), "feature_name", &count, &names));
    std::vector<std::string> copied(names, names + count);
    std::vector<const char*> pointers;
    for (const auto& name : copied) pointers.push_back(name.c_str());
    MLOPS_XGB_CHECK(
        XGBoosterSetStrFeatureInfo(handle_, "feature_name", pointers.data(), pointers.size()));
  } catch (...) {
    xgb().XGBoosterFree(handle_);  // the destructor does not run for a half-built object
    throw;
  }
}

Booster Booster::load(const std::string& path) {
  Booster booster;
  MLOPS_XGB_CHECK(XGBoosterCreate(nullptr, 0, &booster.handle_));
  if (xgb().XGBoosterLoadModel(booster.handle_, path.c_str()) != 0) {
    throw ModelError("cannot load model '{}': {}", path, xgb_last_error());
  }
  return booster;
}

Booster::~Booster() {
  if (handle_) xgb().XGBoosterFree(handle_);
}

Booster& Booster::operator=(Booster&& other) noexcept {
  if (this != &other) {
    if (handle_) xgb().XGBoosterFree(handle_);
    handle_ = std::exchange(other.handle_, nullptr);
  }
  return *this;
}

void Booster::set_param(const std::string& name, const std::string& value) {
  MLOPS_XGB_CHECK(XGBoosterSetParam(handle_, name.c_str(), value.c_str()));
}

Booster Booster::slice(int rounds) const {
  Booster sliced;
  MLOPS_XGB_CHECK(XGBoosterSlice(handle_, 0, rounds, 1, &sliced.handle_));
  return sliced;
}

int Booster::boosted_rounds() const {
  int rounds = 0;
  MLOPS_XGB_CHECK(XGBoosterBoostedRounds(handle_, &rounds));
  return rounds;
}

void Booster::update_one_iter(int iteration, const DMatrix& train) {
  MLOPS_XGB_CHECK(XGBoosterUpdateOneIter(handle_, iteration, train.handle()));
}

std::vector<float> Booster::predict(const DMatrix& data) const {
  const bst_ulong* shape = nullptr;
  bst_ulong dimensions = 0;
  const float* result = nullptr;
  MLOPS_XGB_CHECK(XGBoosterPredictFromDMatrix(handle_, data.handle(), kPredictConfig, &shape,
                                              &dimensions, &result));
  size_t size = 1;
  for (bst_ulong i = 0; i < dimensions; ++i) size *= shape[i];
  return std::vector<float>(result, result + size);  // XGBoost reuses the buffer next call
}

void Booster::save_json(const std::string& path) const {
  // Through the project's atomic writer rather than XGBoosterSaveModel, whose failed write (a
  // full disk) is an untyped "FileStream.Write incomplete": a write error is then an IoError
  // naming `path` (exit 5), and no temp file is left behind.
  write_file_atomic(path, to_json());
}

std::string Booster::to_json() const {
  bst_ulong length = 0;
  const char* buffer = nullptr;
  MLOPS_XGB_CHECK(XGBoosterSaveModelToBuffer(handle_, R"({"format":"json"})", &length, &buffer));
  return std::string(buffer, length);  // XGBoost reuses the buffer next call
}

std::vector<std::pair<std::string, double>> Booster::gain_importance() const {
  bst_ulong count = 0;
  const char** names = nullptr;
  bst_ulong dimensions = 0;
  const bst_ulong* shape = nullptr;
  const float* scores = nullptr;
  MLOPS_XGB_CHECK(XGBoosterFeatureScore(handle_, R"({"importance_type":"gain"})", &count, &names,
                                        &dimensions, &shape, &scores));
  std::vector<std::pair<std::string, double>> result;
  result.reserve(count);
  for (bst_ulong i = 0; i < count; ++i) result.emplace_back(names[i], scores[i]);
  return result;
}

}  // namespace mlops

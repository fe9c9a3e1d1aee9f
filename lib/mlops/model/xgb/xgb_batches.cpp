// Feeding XGBoost from a RowSource: the quantile DMatrix built through XGBoost's data-iterator
// callbacks, and in-place prediction batch by batch.

#include <fmt/format.h>

#include <cmath>
#include <cstdint>
#include <limits>

#include "mlops/core/error.h"
#include "mlops/model/xgb/xgb.h"

namespace mlops {

namespace {

constexpr size_t kBatchRows = 1 << 16;

/// The __array_interface__ JSON XGBoost reads a dense float32 batch through.
std::string array_interface(const std::vector<float>& values, size_t rows, size_t cols) {
  return fmt::format(R"({{"data":[{},true],"shape":[{},{}],"typestr":"<f4","version":3}})",
                     reinterpret_cast<uintptr_t>(values.data()), rows, cols);
}

/// The iterator XGBoost calls back: each next() puts one batch (and its labels) on the proxy.
struct BatchIterator {
  const RowSource* rows = nullptr;
  std::span<const float> labels;
  DMatrixHandle proxy = nullptr;
  size_t next_row = 0;
  std::vector<float> values;
  std::string interface;

  static void reset(DataIterHandle handle) { static_cast<BatchIterator*>(handle)->next_row = 0; }
  static int next(DataIterHandle handle) {
    auto* self = static_cast<BatchIterator*>(handle);
    const size_t total = self->rows->rows();
    if (self->next_row >= total) return 0;
    const size_t begin = self->next_row, end = std::min(total, begin + kBatchRows);
    self->rows->fill(begin, end, self->values);
    self->interface = array_interface(self->values, end - begin, self->rows->cols());
    if (xgb().XGProxyDMatrixSetDataDense(self->proxy, self->interface.c_str()) != 0) return -1;
    if (!self->labels.empty() &&
        xgb().XGDMatrixSetFloatInfo(self->proxy, "label", self->labels.data() + begin,
                                    end - begin) != 0) {
      return -1;
    }
    self->next_row = end;
    return 1;
  }
};

}  // namespace

DMatrix DMatrix::quantile(const RowSource& rows, std::span<const float> labels, int max_bin,
                          int nthread) {
  if (!labels.empty() && labels.size() != rows.rows()) {
    throw InternalError("DMatrix::quantile: {} labels for {} rows", labels.size(), rows.rows());
  }
  BatchIterator iterator;
  iterator.rows = &rows;
  iterator.labels = labels;
  MLOPS_XGB_CHECK(XGProxyDMatrixCreate(&iterator.proxy));
  DMatrix matrix;
  const std::string config =
      fmt::format(R"({{"missing":NaN,"nthread":{},"max_bin":{}}})", nthread, max_bin);
  const int status = xgb().XGQuantileDMatrixCreateFromCallback(
      &iterator, iterator.proxy, nullptr, &BatchIterator::reset, &BatchIterator::next,
      config.c_str(), &matrix.handle_);
  xgb().XGDMatrixFree(iterator.proxy);
  xgb_check(status, "XGQuantileDMatrixCreateFromCallback");
  std::vector<const char*> names;
  for (const auto& name : rows.names()) names.push_back(name.c_str());
  MLOPS_XGB_CHECK(
      XGDMatrixSetStrFeatureInfo(matrix.handle_, "feature_name", names.data(), names.size()));
  return matrix;
}

std::vector<float> Booster::predict(const RowSource& rows, int nthread) const {
  (void)nthread;  // in-place prediction uses the booster's nthread parameter
  const std::string config =
      R"({"type":0,"training":false,"iteration_begin":0,"iteration_end":0,"strict_shape":false,"cache_id":0,"missing":NaN})";
  std::vector<float> out;
  std::vector<float> values;
  for (size_t begin = 0; begin < rows.rows(); begin += kBatchRows) {
    const size_t end = std::min(rows.rows(), begin + kBatchRows);
    rows.fill(begin, end, values);
    const std::string interface = array_interface(values, end - begin, rows.cols());
    const bst_ulong* shape = nullptr;
    bst_ulong dimensions = 0;
    const float* result = nullptr;
    MLOPS_XGB_CHECK(XGBoosterPredictFromDense(handle_, interface.c_str(), config.c_str(), nullptr,
                                              &shape, &dimensions, &result));
    size_t size = 1;
    for (bst_ulong i = 0; i < dimensions; ++i) size *= shape[i];
    out.insert(out.end(), result, result + size);  // copied before the next call reuses it
  }
  return out;
}

}  // namespace mlops

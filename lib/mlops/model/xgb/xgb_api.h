#pragma once
// XGBoost's C API as a function table over libxgboost.so.0, opened on first use: only the
// commands that train or score load XGBoost and OpenMP (core/shared_library.h says why). The
// header still gives every prototype, so each pointer has the function's exact type.

#include <xgboost/c_api.h>

#include "mlops/core/shared_library.h"

// Every XGBoost function mlops calls; a new call needs its name here.
#define MLOPS_XGB_FUNCTIONS(X)   \
  X(XGBGetLastError)             \
  X(XGBoosterBoostedRounds)      \
  X(XGBoosterCreate)             \
  X(XGBoosterFeatureScore)       \
  X(XGBoosterFree)               \
  X(XGBoosterLoadModel)          \
  X(XGBoosterPredictFromDMatrix) \
  X(XGBoosterPredictFromDense)   \
  X(XGBoosterSaveJsonConfig)     \
  X(XGBoosterSaveModel)          \
  X(XGBoosterSaveModelToBuffer)  \
  X(XGBoosterSetParam)           \
  X(XGBoosterSetStrFeatureInfo)  \
  X(XGBoosterSlice)              \
  X(XGBoosterUpdateOneIter)      \
  X(XGCommunicatorAllreduce)     \
  X(XGCommunicatorFinalize)      \
  X(XGCommunicatorGetRank)       \
  X(XGCommunicatorGetWorldSize)  \
  X(XGCommunicatorInit)          \
  X(XGDMatrixCreateFromMat_omp)  \
  X(XGDMatrixFree)               \
  X(XGDMatrixGetStrFeatureInfo)  \
  X(XGDMatrixSetFloatInfo)       \
  X(XGDMatrixSetStrFeatureInfo)  \
  X(XGProxyDMatrixCreate)        \
  X(XGProxyDMatrixSetDataDense)  \
  X(XGQuantileDMatrixCreateFromCallback)

namespace mlops {

struct XgbApi {
  MLOPS_XGB_FUNCTIONS(MLOPS_FUNCTION_POINTER)
};

/// The XGBoost C API, loading libxgboost.so.0 on the first call (thread-safe). Throws
/// ConfigError naming the library and its Debian package when it cannot be loaded.
const XgbApi& xgb();

}  // namespace mlops

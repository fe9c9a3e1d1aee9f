#include "mlops/model/xgb_api.h"

namespace mlops {

const XgbApi& xgb() {
  // A throw leaves the static uninitialized, so a later call tries again.
  static const XgbApi api = [] {
    const SharedLibrary library("libxgboost.so.0", "training and scoring models", "libxgboost0");
    XgbApi table;
    MLOPS_XGB_FUNCTIONS(MLOPS_BIND_FUNCTION)
    return table;
  }();
  return api;
}

}  // namespace mlops

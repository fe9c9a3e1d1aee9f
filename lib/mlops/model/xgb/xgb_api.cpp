#include "mlops/model/xgb/xgb_api.h"

namespace mlops {

const XgbApi& xgb() {
  static const XgbApi api = load_function_table<XgbApi>(
      "libxgboost.so.0", "training and scoring models", "libxgboost0",
      [](const SharedLibrary& library, XgbApi& table) { MLOPS_XGB_FUNCTIONS(MLOPS_BIND_FUNCTION) });
  return api;
}

}  // namespace mlops

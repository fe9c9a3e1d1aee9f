#include "mlops/model/xgb/xgb_error.h"

#include <string_view>

#include "mlops/model/xgb/xgb_api.h"

namespace mlops {

std::string xgb_last_error() {
  std::string_view message = xgb().XGBGetLastError();
  if (message.starts_with('[')) {
    // "[14:01:43] ./src/gbm/gbm.cc:24: Unknown gbm type foo"
    if (auto source = message.find(": "); source != std::string_view::npos) {
      message.remove_prefix(source + 2);
    }
  }
  message = message.substr(0, message.find('\n'));
  while (message.ends_with(' ')) message.remove_suffix(1);
  return std::string(message);
}

}  // namespace mlops

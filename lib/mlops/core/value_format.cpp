#include "mlops/core/value_format.h"

#include <fmt/format.h>

namespace mlops {

std::string format_double(double value) {
  return fmt::format("{}", value);
}

}  // namespace mlops

#pragma once
// Text forms of values shared by writers, logs and messages.

#include <string>

namespace mlops {

/// Shortest text that reads back to the same double ("0.1", "3", "1e-07"); "nan", "inf".
std::string format_double(double value);

}  // namespace mlops

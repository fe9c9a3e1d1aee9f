#pragma once
// XGBoost's last error as a user can read it.

#include <string>

namespace mlops {

/// XGBGetLastError() without the "[hh:mm:ss] source.cc:123: " prefix, the stack trace and the
/// parameter's help line: the first line, which says what is wrong.
std::string xgb_last_error();

}  // namespace mlops

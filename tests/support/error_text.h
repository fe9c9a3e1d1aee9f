#pragma once
// The message of the error an action throws, so a test can compare it whole.

#include <functional>
#include <string>

namespace mlops::testing {

/// what() of the `E` that `action` throws; "no error of the expected type" when it throws none.
template <typename E>
std::string error_text(const std::function<void()>& action) {
  try {
    action();
  } catch (const E& error) {
    return error.what();
  }
  return "no error of the expected type";
}

}  // namespace mlops::testing

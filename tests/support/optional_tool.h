#pragma once
// Tests that need a program mlops itself does not (git, Jupyter, python3-xgboost, Chromium):
// on a developer's machine without it they are skipped; in CI (CI=true, as .ci/run sets) a
// missing program fails the test, so a test can never silently stop running there.

#include <gtest/gtest.h>

#include <cstdlib>
#include <string_view>

namespace mlops::testing {

/// True when the environment variable CI is "true" or "1".
inline bool running_in_ci() {
  const char* ci = std::getenv("CI");
  return ci && (std::string_view(ci) == "true" || std::string_view(ci) == "1");
}

}  // namespace mlops::testing

/// Skips the test (or, in CI, fails it) when `available` is false; `what` names the missing
/// program and how to install it. Like GTEST_SKIP, returns from the enclosing function.
#define MLOPS_REQUIRE_TOOL(available, what)                                        \
  if (available) {                                                                 \
  } else if (::mlops::testing::running_in_ci())                                    \
    GTEST_FAIL() << what                                                           \
                 << " is not installed, and CI=true: scripts/install-deps --test " \
                    "installs it";                                                 \
  else                                                                             \
    GTEST_SKIP() << what << " is not installed (scripts/install-deps --test installs it)"

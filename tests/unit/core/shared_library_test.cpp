#include "mlops/core/shared_library.h"

#include <gtest/gtest.h>

#include <cmath>

#include "mlops/core/error.h"

namespace mlops {
namespace {

// libm is in every Debian installation, so it stands in for an optional library that is there.
struct MathApi {
  MLOPS_FUNCTION_POINTER(cos)
  MLOPS_FUNCTION_POINTER(hypot)
};

TEST(SharedLibrary, BindsFunctionsWithTheirDeclaredTypes) {
  const MathApi math = load_function_table<MathApi>(
      "libm.so.6", "this test", "libc6", [](const SharedLibrary& library, MathApi& table) {
        MLOPS_BIND_FUNCTION(cos)
        MLOPS_BIND_FUNCTION(hypot)
      });
  EXPECT_EQ(math.cos(0.0), 1.0);
  EXPECT_EQ(math.hypot(3.0, 4.0), 5.0);
}

TEST(SharedLibrary, MissingLibraryIsAConfigErrorNamingItsPackage) {
  try {
    load_function_table<MathApi>("libmlops-absent.so.7", "the absent source", "libmlops-absent7",
                                 [](const SharedLibrary&, MathApi&) {});
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& error) {
    EXPECT_EQ(error.exit_code(), ExitCode::kUsage);
    EXPECT_STREQ(error.what(),
                 "cannot load libmlops-absent.so.7 (needed for the absent source; install the "
                 "Debian package libmlops-absent7): libmlops-absent.so.7: cannot open shared "
                 "object file: No such file or directory");
  }
}

TEST(SharedLibrary, MissingFunctionIsAConfigErrorNamingLibraryAndFunction) {
  const SharedLibrary library("libm.so.6", "this test", "libc6");
  try {
    library.symbol("mlops_absent_function");
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& error) {
    EXPECT_STREQ(error.what(),
                 "libm.so.6 has no function mlops_absent_function (a version too old?)");
  }
}

}  // namespace
}  // namespace mlops

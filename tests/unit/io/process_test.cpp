#include "mlops/io/process.h"

#include <gtest/gtest.h>

#include "mlops/core/error.h"

namespace mlops {
namespace {

TEST(Process, CapturesOutputErrorAndExitCode) {
  const ProcessResult result = run_process({"sh", "-c", "echo out; echo err >&2; exit 3"});
  EXPECT_EQ(result.exit_code, 3);
  EXPECT_EQ(result.out, "out\n");
  EXPECT_EQ(result.err, "err\n");
}

TEST(Process, ArgumentsReachTheProgramVerbatimWithoutAShell) {
  const ProcessResult result = run_process({"printf", "%s|", "a b", "$(echo x)", "'; rm -rf /"});
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(result.out, "a b|$(echo x)|'; rm -rf /|");
}

TEST(Process, LargeOutputOnBothStreamsDoesNotDeadlock) {
  const ProcessResult result = run_process(
      {"sh", "-c",
       "head -c 300000 /dev/zero | tr '\\0' a; head -c 300000 /dev/zero | tr '\\0' b >&2"});
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(result.out, std::string(300000, 'a'));
  EXPECT_EQ(result.err, std::string(300000, 'b'));
}

TEST(Process, StdinIsEmpty) {
  EXPECT_EQ(run_process({"sh", "-c", "cat; echo done"}).out, "done\n");
}

TEST(Process, MissingProgramsAreReported) {
  EXPECT_TRUE(find_program("sh").has_value());
  EXPECT_EQ(find_program("mlops-no-such-program"), std::nullopt);
  EXPECT_EQ(find_program("/no/such/path"), std::nullopt);
  try {
    run_process({"mlops-no-such-program", "x"});
    FAIL() << "no IoError";
  } catch (const IoError& error) {
    EXPECT_STREQ(error.what(), "cannot run 'mlops-no-such-program': not found in PATH");
  }
}

}  // namespace
}  // namespace mlops

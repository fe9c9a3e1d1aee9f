#include "mlops/io/process.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <fstream>

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

TEST(Process, OwnExecutableIsThisTestProgram) {
  const std::filesystem::path self = own_executable();
  EXPECT_TRUE(self.is_absolute()) << self;
  EXPECT_EQ(self.filename(), "unit_io");
  EXPECT_TRUE(std::filesystem::is_regular_file(self)) << self;
}

TEST(Process, ReplaceProcessReportsAMissingProgramAndReturns) {
  EXPECT_EQ(replace_process("/no/such/dir/mlops-serve", {"mlops-serve"}).error, ENOENT);
  // Not executable (mode 0644: root too needs an x bit to exec).
  const std::filesystem::path text =
      std::filesystem::temp_directory_path() / ("mlops-process-test-" + std::to_string(::getpid()));
  { std::ofstream(text) << "not a program\n"; }
  std::filesystem::permissions(
      text, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write |
                std::filesystem::perms::group_read | std::filesystem::perms::others_read);
  EXPECT_EQ(replace_process(text, {"text"}).error, EACCES);
  std::filesystem::remove(text);
}

TEST(Process, ReplaceProcessKeepsThePidArgumentsAndEnvironment) {
  // In a child: exec sh, which prints its own pid (the child's, unchanged by exec), its
  // arguments and a variable of the environment it inherited.
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::dup2(fds[1], 1);
    ::setenv("MLOPS_PROCESS_TEST", "kept", 1);
    replace_process("/bin/sh",
                    {"sh", "-c", "echo $$ \"$0\" \"$1\" $MLOPS_PROCESS_TEST", "zero", "one two"});
    std::_Exit(99);
  }
  ::close(fds[1]);
  std::string out;
  char buffer[256];
  for (ssize_t n; (n = ::read(fds[0], buffer, sizeof buffer)) > 0;) out.append(buffer, n);
  ::close(fds[0]);
  int status = 0;
  ::waitpid(child, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  EXPECT_EQ(out, std::to_string(child) + " zero one two kept\n");
}

}  // namespace
}  // namespace mlops

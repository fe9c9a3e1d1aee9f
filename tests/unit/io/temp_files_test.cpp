#include "mlops/io/temp_files.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "support/temp_dir.h"

namespace mlops {
namespace {

using testing::TempDir;

// A pid no process has: a child's, once it has exited and been reaped.
pid_t dead_pid() {
  const pid_t pid = ::fork();
  if (pid == 0) ::_exit(0);
  ::waitpid(pid, nullptr, 0);
  return pid;
}

TEST(TempFiles, WriterIsThePidInTheName) {
  EXPECT_EQ(temp_file_writer("model.json.tmp-4242-7"), 4242);
  EXPECT_EQ(temp_file_writer("clean.csv.tmp-17"), 17);
  EXPECT_EQ(temp_file_writer("model.json"), 0);
  EXPECT_EQ(temp_file_writer("notes.tmp-old"), 0);
  EXPECT_EQ(temp_file_writer("a.tmp-12-"), 0);
  EXPECT_EQ(temp_file_writer("a.tmp-12-3x"), 0);
  EXPECT_EQ(temp_file_writer("a.tmp-"), 0);
}

TEST(TempFiles, OnlyDeadWritersTempFilesAreRemoved) {
  TempDir dir;
  const std::string dead = std::to_string(dead_pid());
  const std::string alive = std::to_string(::getpid());
  const std::string orphan = dir.write("run/train/model.json.tmp-" + dead + "-3", "{");
  const std::string orphan_copy = dir.write("run/data.csv.tmp-" + dead, "a");
  const std::string busy = dir.write("run/manifest.json.tmp-" + alive + "-1", "{");
  const std::string kept = dir.write("run/notes.tmp-old", "mine");
  const std::string output = dir.write("run/train/model.json", "{}");
  EXPECT_EQ(remove_orphan_temp_files(dir.file("run")), 2u);
  EXPECT_FALSE(std::filesystem::exists(orphan));
  EXPECT_FALSE(std::filesystem::exists(orphan_copy));
  EXPECT_TRUE(std::filesystem::exists(busy));
  EXPECT_TRUE(std::filesystem::exists(kept));
  EXPECT_TRUE(std::filesystem::exists(output));
  EXPECT_EQ(remove_orphan_temp_files(dir.file("missing")), 0u);
}

}  // namespace
}  // namespace mlops

#include "mlops/io/file.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "mlops/core/error.h"
#include "support/temp_dir.h"

namespace mlops {
namespace {

using testing::TempDir;

std::vector<std::string> entries(const std::filesystem::path& directory) {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(directory)) {
    names.push_back(entry.path().filename().string());
  }
  return names;
}

TEST(File, ReadFileReturnsEveryByte) {
  TempDir dir;
  const std::string contents("a\0b\r\nc", 6);
  EXPECT_EQ(read_file(dir.write("x.bin", contents)), contents);
}

TEST(File, ReadFileOfMissingPathNamesPathAndReason) {
  TempDir dir;
  const std::string path = dir.file("missing.csv");
  try {
    read_file(path);
    FAIL() << "expected IoError";
  } catch (const IoError& error) {
    EXPECT_EQ(std::string(error.what()), "cannot read '" + path + "': No such file or directory");
  }
}

TEST(File, MakeDirectoriesCreatesParentsAndPathExistsSeesThem) {
  TempDir dir;
  const std::string path = dir.file("a/b/c");
  EXPECT_FALSE(path_exists(path));
  make_directories(path);
  EXPECT_TRUE(path_exists(path));
  make_directories(path);  // already there: no error
}

TEST(File, MakeDirectoriesUnderAFileThrowsIoError) {
  TempDir dir;
  dir.write("plain", "x");
  EXPECT_THROW(make_directories(dir.file("plain/sub")), IoError);
}

TEST(AtomicFile, CommitMakesContentsAppearAtPath) {
  TempDir dir;
  const std::string path = dir.file("out.csv");
  {
    AtomicFile file(path);
    file.write("hello ");
    file.write("world");
    EXPECT_FALSE(path_exists(path));
    file.commit();
  }
  EXPECT_EQ(read_file(path), "hello world");
  EXPECT_EQ(entries(dir.path()), std::vector<std::string>{"out.csv"});
}

TEST(AtomicFile, CommitReplacesPreviousFile) {
  TempDir dir;
  const std::string path = dir.write("out.csv", "old contents");
  AtomicFile file(path);
  file.write("new");
  file.commit();
  EXPECT_EQ(read_file(path), "new");
}

TEST(AtomicFile, TempFileSitsNextToDestinationUntilCommit) {
  TempDir dir;
  AtomicFile file(dir.file("out.csv"));
  const auto names = entries(dir.path());
  ASSERT_EQ(names.size(), 1u);
  EXPECT_TRUE(names[0].starts_with("out.csv.tmp-")) << names[0];
}

TEST(AtomicFile, UncommittedLeavesNoFileBehind) {
  TempDir dir;
  {
    AtomicFile file(dir.file("out.csv"));
    file.write("partial");
  }
  EXPECT_TRUE(entries(dir.path()).empty());
}

TEST(AtomicFile, UncommittedKeepsPreviousFile) {
  TempDir dir;
  const std::string path = dir.write("out.csv", "old contents");
  {
    AtomicFile file(path);
    file.write("half-written");
  }
  EXPECT_EQ(read_file(path), "old contents");
  EXPECT_EQ(entries(dir.path()), std::vector<std::string>{"out.csv"});
}

TEST(AtomicFile, CreatesParentDirectories) {
  TempDir dir;
  const std::string path = dir.file("runs/42/out.csv");
  write_file_atomic(path, "x");
  EXPECT_EQ(read_file(path), "x");
}

TEST(AtomicFile, WritesLargerThanTheBufferArriveInOrder) {
  TempDir dir;
  const std::string path = dir.file("big.txt");
  std::string expected;
  {
    AtomicFile file(path);
    for (size_t i = 0; i < 3000; ++i) {
      const std::string piece(1 + i % 997, static_cast<char>('a' + i % 26));
      file.write(piece);
      expected += piece;
    }
    const std::string huge(3 << 20, 'z');  // bigger than the 1 MiB buffer
    file.write(huge);
    expected += huge;
    file.write("end");
    expected += "end";
    file.commit();
  }
  EXPECT_EQ(read_file(path), expected);
}

}  // namespace
}  // namespace mlops

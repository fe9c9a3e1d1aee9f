#include "mlops/io/file_hash_memo.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <chrono>
#include <fstream>
#include <string>
#include <thread>

#include "mlops/core/error.h"
#include "mlops/core/hash.h"
#include "mlops/io/file.h"
#include "support/temp_dir.h"

namespace mlops {
namespace {

using testing::TempDir;

void overwrite_in_place(const std::string& path, const std::string& contents) {
  // Past a coarse file-system clock tick, as a later edit by another program would be.
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  std::ofstream(path, std::ios::binary | std::ios::trunc) << contents;
}

TEST(FileHashMemo, AtomicFileRemembersTheHashOfWhatItWrote) {
  TempDir dir;
  const std::string path = dir.file("out.csv");
  AtomicFile file(path);
  file.write("a,b\n");
  file.write(std::string(3 << 20, 'x'));  // past the write buffer: written around it
  file.commit();
  const std::string expected = hash_file(path);
  ASSERT_TRUE(remembered_file_hash(path).has_value());
  EXPECT_EQ(*remembered_file_hash(path), expected);
  EXPECT_EQ(hash_file_memo(path), expected);
}

TEST(FileHashMemo, AFileChangedInPlaceIsHashedAgain) {
  TempDir dir;
  const std::string path = dir.write("data.csv", "a,b\n1,2\n");
  EXPECT_EQ(hash_file_memo(path), hash_bytes("a,b\n1,2\n"));
  overwrite_in_place(path, "a,b\n3,4\n");  // same size
  EXPECT_FALSE(remembered_file_hash(path).has_value());
  EXPECT_EQ(hash_file_memo(path), hash_bytes("a,b\n3,4\n"));
}

TEST(FileHashMemo, ReadFileHashedReturnsTheBytesAndRemembersTheirHash) {
  TempDir dir;
  const std::string path = dir.write("in.csv", "x\n1\n");
  std::string hash;
  EXPECT_EQ(read_file_hashed(path, hash), "x\n1\n");
  EXPECT_EQ(hash, hash_bytes("x\n1\n"));
  EXPECT_EQ(remembered_file_hash(path), hash);
}

TEST(FileHashMemo, AHardLinkedCopyKeepsTheHash) {
  TempDir dir;
  const std::string from = dir.file("part.csv"), to = dir.file("run/clean.csv");
  write_file_atomic(from, "a\n1\n");
  make_directories(dir.file("run"));
  copy_file_atomic(from, to);  // a link changes the inode's change time
  EXPECT_EQ(remembered_file_hash(to), hash_bytes("a\n1\n"));
  EXPECT_EQ(remembered_file_hash(from), hash_bytes("a\n1\n"));
}

TEST(FileHashMemo, AFileAnotherWriterPutAtThePathGetsNoHashOfOurs) {
  TempDir dir;
  const std::string ours = dir.write("ours.csv", "a\n1\n");
  const std::string theirs = dir.write("out.csv", "b\n2\n");  // renamed over ours meanwhile
  struct stat info {};
  ASSERT_EQ(::stat(ours.c_str(), &info), 0);
  remember_file_hash(theirs, hash_bytes("a\n1\n"), {info.st_dev, info.st_ino});
  EXPECT_FALSE(remembered_file_hash(theirs).has_value());
  EXPECT_EQ(hash_file_memo(theirs), hash_bytes("b\n2\n"));
}

TEST(FileHashMemo, AReplacedFileIsForgotten) {
  TempDir dir;
  const std::string path = dir.write("x.csv", "x\n");
  hash_file_memo(path);
  ASSERT_TRUE(remembered_file_hash(path).has_value());
  forget_file_hash(path);
  EXPECT_FALSE(remembered_file_hash(path).has_value());
}

TEST(FileHashMemo, AMissingFileIsAnIoError) {
  TempDir dir;
  EXPECT_FALSE(remembered_file_hash(dir.file("none")).has_value());
  EXPECT_THROW(hash_file_memo(dir.file("none")), IoError);
}

}  // namespace
}  // namespace mlops

#pragma once
// Whole-file reads and atomic writes (temp file in the same directory + fsync + rename), so a
// crash or an error never leaves a half-written output where a finished one is expected.

#include <string>
#include <string_view>

#include "mlops/core/hash.h"

namespace mlops {

/// The file's bytes; throws IoError naming the path.
std::string read_file(const std::string& path);
/// True when the path exists (file or directory).
bool path_exists(const std::string& path);
/// Creates the directory and its parents; throws IoError.
void make_directories(const std::string& path);

/// Buffered output that appears at `path` only on commit(); destroyed uncommitted, it removes
/// its temp file and leaves any previous file at `path` untouched.
class AtomicFile {
 public:
  /// Creates parent directories and the temp file; throws IoError.
  explicit AtomicFile(std::string path);
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  void write(std::string_view bytes);
  /// Flushes, fsyncs and renames over the destination, and remembers the contents' hash for
  /// hash_file_memo (hashed as written: no second read); throws IoError.
  void commit();
  const std::string& path() const { return path_; }

 private:
  void flush();
  void start_writeback(size_t bytes_written);

  std::string path_;
  std::string temp_path_;
  int fd_ = -1;
  std::string buffer_;
  StreamingHash hash_;
  size_t written_ = 0;         // bytes written to the temp file
  size_t writeback_from_ = 0;  // where writeback has not been started yet
  bool committed_ = false;
};

/// Writes the whole contents atomically.
void write_file_atomic(const std::string& path, std::string_view contents);
/// Copies a file to `to` atomically: a hard link when on the same file system (outputs are only
/// ever replaced by rename, so sharing the inode is safe), else a synced copy.
void copy_file_atomic(const std::string& from, const std::string& to);

}  // namespace mlops

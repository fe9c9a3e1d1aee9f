#pragma once
// An append-only file for the lake's logs (raw index, quarantine, seen keys). Appends are
// made durable by sync(); a log that belongs to a checkpoint is cut back on open to the size
// the last checkpoint recorded, so what a crash appended after it disappears.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mlops {

class AppendFile {
 public:
  /// Opens `path` for appending, creating it and its directory. With `committed`, the file is
  /// first truncated to that many bytes (a file shorter than that is an IoError: the lake was
  /// changed behind the checkpoint's back). Throws IoError naming the path.
  explicit AppendFile(std::string path, std::optional<uint64_t> committed = std::nullopt);
  ~AppendFile();
  AppendFile(const AppendFile&) = delete;
  AppendFile& operator=(const AppendFile&) = delete;

  /// Appends the bytes (not yet durable) and returns the offset they start at.
  uint64_t append(std::string_view bytes);
  /// Makes every append so far durable (fsync); throws IoError.
  void sync();
  uint64_t size() const { return size_; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  int fd_ = -1;
  uint64_t size_ = 0;
  bool dirty_ = false;
};

}  // namespace mlops

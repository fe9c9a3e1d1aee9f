#include "mlops/ingest/append_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "mlops/core/error.h"
#include "mlops/io/file.h"

namespace mlops {

AppendFile::AppendFile(std::string path, std::optional<uint64_t> committed)
    : path_(std::move(path)) {
  const std::string parent = std::filesystem::path(path_).parent_path().string();
  if (!parent.empty()) make_directories(parent);
  fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0666);
  if (fd_ < 0) throw IoError("cannot open '{}' for appending: {}", path_, std::strerror(errno));
  struct stat info {};
  if (::fstat(fd_, &info) != 0) {
    const std::string reason = std::strerror(errno);
    ::close(fd_);
    throw IoError("cannot stat '{}': {}", path_, reason);
  }
  size_ = static_cast<uint64_t>(info.st_size);
  if (committed && *committed != size_) {
    if (*committed > size_) {
      ::close(fd_);
      throw IoError("'{}' holds {} bytes but the checkpoint recorded {}: the lake was changed",
                    path_, size_, *committed);
    }
    // Bytes past the checkpoint were appended by a run that crashed before committing them.
    if (::ftruncate(fd_, static_cast<off_t>(*committed)) != 0 || ::fsync(fd_) != 0) {
      const std::string reason = std::strerror(errno);
      ::close(fd_);
      throw IoError("cannot truncate '{}': {}", path_, reason);
    }
    size_ = *committed;
  }
}

AppendFile::~AppendFile() {
  if (fd_ >= 0) ::close(fd_);
}

uint64_t AppendFile::append(std::string_view bytes) {
  const uint64_t offset = size_;
  const char* data = bytes.data();
  size_t left = bytes.size();
  while (left > 0) {
    const ssize_t written = ::write(fd_, data, left);
    if (written < 0) {
      if (errno == EINTR) continue;
      throw IoError("cannot append to '{}': {}", path_, std::strerror(errno));
    }
    data += written;
    left -= static_cast<size_t>(written);
  }
  size_ += bytes.size();
  dirty_ = dirty_ || !bytes.empty();
  return offset;
}

void AppendFile::sync() {
  if (!dirty_) return;
  if (::fdatasync(fd_) != 0) throw IoError("cannot sync '{}': {}", path_, std::strerror(errno));
  dirty_ = false;
}

}  // namespace mlops

#include "mlops/io/file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "mlops/core/error.h"
#include "mlops/io/file_hash_memo.h"

namespace mlops {
namespace {

constexpr size_t kWriteBufferSize = size_t{1} << 20;

std::string errno_text() {
  return std::strerror(errno);
}

// Retries on EINTR and short writes, which ::write may return for large buffers.
bool write_all(int fd, const char* data, size_t size) {
  while (size > 0) {
    ssize_t written = ::write(fd, data, size);
    if (written < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data += written;
    size -= static_cast<size_t>(written);
  }
  return true;
}

// Makes the rename itself durable; best effort, since not every file system supports it.
void sync_directory(const std::string& directory) {
  int fd = ::open(directory.empty() ? "." : directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

std::string parent_directory(const std::string& path) {
  return std::filesystem::path(path).parent_path().string();
}

}  // namespace

std::string read_file(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw IoError("cannot read '{}': {}", path, errno_text());
  struct stat info {};
  const size_t expected =
      ::fstat(fd, &info) == 0 && info.st_size > 0 ? static_cast<size_t>(info.st_size) : 0;
  // Read straight into the string (no bounce buffer), in large reads; one byte more than the
  // size, so the read that finds the end is a short one. A file that grows meanwhile, or a
  // pipe whose size is unknown, makes the string grow.
  std::string contents(expected + 1, '\0');
  size_t used = 0;
  while (true) {
    if (used == contents.size()) contents.resize(std::max<size_t>(contents.size() * 2, 1 << 16));
    ssize_t got = ::read(fd, contents.data() + used,
                         std::min<size_t>(contents.size() - used, size_t{1} << 30));
    if (got < 0) {
      if (errno == EINTR) continue;
      std::string reason = errno_text();
      ::close(fd);
      throw IoError("cannot read '{}': {}", path, reason);
    }
    if (got == 0) break;
    used += static_cast<size_t>(got);
  }
  ::close(fd);
  contents.resize(used);
  return contents;
}

bool path_exists(const std::string& path) {
  struct stat info {};
  return ::stat(path.c_str(), &info) == 0;
}

void make_directories(const std::string& path) {
  std::error_code error;
  std::filesystem::create_directories(path, error);
  if (error) throw IoError("cannot create directory '{}': {}", path, error.message());
}

AtomicFile::AtomicFile(std::string path) : path_(std::move(path)) {
  const std::string parent = parent_directory(path_);
  if (!parent.empty()) make_directories(parent);
  // pid + counter keep concurrent writers (threads or processes) off each other's temp file.
  static std::atomic<uint64_t> counter{0};
  temp_path_ = path_ + ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
  fd_ = ::open(temp_path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
  if (fd_ < 0) throw IoError("cannot create '{}': {}", temp_path_, errno_text());
  buffer_.reserve(kWriteBufferSize);
}

AtomicFile::~AtomicFile() {
  if (fd_ >= 0) ::close(fd_);
  if (!committed_) ::unlink(temp_path_.c_str());
}

void AtomicFile::write(std::string_view bytes) {
  if (committed_) throw InternalError("write to '{}' after commit", path_);
  hash_.update(bytes);
  if (buffer_.size() + bytes.size() > kWriteBufferSize) flush();
  if (bytes.size() >= kWriteBufferSize) {
    // In slices, so that writeback of a 100 MB write starts while the rest is still copied.
    constexpr size_t kSlice = size_t{8} << 20;
    for (size_t at = 0; at < bytes.size(); at += kSlice) {
      const size_t size = std::min(kSlice, bytes.size() - at);
      if (!write_all(fd_, bytes.data() + at, size)) {
        throw IoError("cannot write '{}': {}", path_, errno_text());
      }
      start_writeback(size);
    }
    return;
  }
  buffer_.append(bytes);
}

void AtomicFile::start_writeback(size_t bytes_written) {
  written_ += bytes_written;
#ifdef __linux__
  // Hands what is written so far to the disk in the background, so that commit's fsync of a
  // 100 MB file waits for the last few megabytes instead of all of them (~50 ms here). Best
  // effort: fsync still decides durability.
  constexpr size_t kWritebackBytes = size_t{8} << 20;
  if (written_ - writeback_from_ >= kWritebackBytes) {
    ::sync_file_range(fd_, static_cast<off_t>(writeback_from_),
                      static_cast<off_t>(written_ - writeback_from_), SYNC_FILE_RANGE_WRITE);
    writeback_from_ = written_;
  }
#endif
}

void AtomicFile::flush() {
  if (buffer_.empty()) return;
  if (!write_all(fd_, buffer_.data(), buffer_.size())) {
    throw IoError("cannot write '{}': {}", path_, errno_text());
  }
  start_writeback(buffer_.size());
  buffer_.clear();
}

void AtomicFile::commit() {
  if (committed_) return;
  flush();
  if (::fsync(fd_) != 0) throw IoError("cannot write '{}': {}", path_, errno_text());
  struct stat written {};
  const bool identified = ::fstat(fd_, &written) == 0;
  int fd = fd_;
  fd_ = -1;  // closed below whatever happens, so the destructor must not close it again
  if (::close(fd) != 0) throw IoError("cannot write '{}': {}", path_, errno_text());
  forget_file_hash(path_);  // the file being replaced
  if (::rename(temp_path_.c_str(), path_.c_str()) != 0) {
    throw IoError("cannot rename '{}' to '{}': {}", temp_path_, path_, errno_text());
  }
  committed_ = true;
  sync_directory(parent_directory(path_));
  if (identified) remember_file_hash(path_, hash_.hex(), {written.st_dev, written.st_ino});
}

void write_file_atomic(const std::string& path, std::string_view contents) {
  AtomicFile file(path);
  file.write(contents);
  file.commit();
}

}  // namespace mlops

namespace mlops {

void copy_file_atomic(const std::string& from, const std::string& to) {
  const std::string temp = to + ".tmp-" + std::to_string(::getpid());
  std::error_code error;
  // Clean parts are immutable and outputs are only ever replaced by rename, so a hard link is
  // a safe copy that costs no I/O; across file systems it falls back to copying.
  std::filesystem::remove(temp, error);
  // The link changes the inode's change time: carry a remembered hash over to the new stamp.
  const auto hash = remembered_file_hash(from);
  struct stat source {};
  const bool identified = ::stat(from.c_str(), &source) == 0;
  forget_file_hash(to);  // the file being replaced
  if (::link(from.c_str(), temp.c_str()) == 0) {
    std::filesystem::rename(temp, to, error);
    if (error) throw IoError("cannot rename '{}' to '{}': {}", temp, to, error.message());
    if (hash && identified) remember_file_hash(to, *hash, {source.st_dev, source.st_ino});
    return;
  }
  // A failed copy (a full disk) must not leave its partial temp file behind.
  auto fail = [&temp](std::string message) {
    std::error_code ignored;
    std::filesystem::remove(temp, ignored);
    throw IoError(std::move(message));
  };
  std::filesystem::copy_file(from, temp, std::filesystem::copy_options::overwrite_existing, error);
  if (error) fail(fmt::format("cannot write '{}': {}", to, error.message()));
  const int fd = ::open(temp.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0 || ::fsync(fd) != 0) {
    const std::string reason = errno_text();
    if (fd >= 0) ::close(fd);
    fail(fmt::format("cannot write '{}': {}", to, reason));
  }
  ::close(fd);
  std::filesystem::rename(temp, to, error);
  if (error) fail(fmt::format("cannot rename '{}' to '{}': {}", temp, to, error.message()));
}

}  // namespace mlops

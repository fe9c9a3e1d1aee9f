#include "mlops/io/file_hash_memo.h"

#include <sys/stat.h>

#include <map>
#include <mutex>
#include <tuple>

#include "mlops/core/hash.h"
#include "mlops/io/file.h"

namespace mlops {
namespace {

/// What identifies one version of a file. The change time guards against a rewrite in place
/// that keeps size and modification time (set back with touch, or within one clock tick).
using FileStamp = std::tuple<dev_t, ino_t, off_t, int64_t, int64_t, int64_t, int64_t>;

std::optional<FileStamp> stamp_of(const std::string& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0 || !S_ISREG(info.st_mode)) return std::nullopt;
  return FileStamp{info.st_dev,         info.st_ino,          info.st_size,
                   info.st_mtim.tv_sec, info.st_mtim.tv_nsec, info.st_ctim.tv_sec,
                   info.st_ctim.tv_nsec};
}

struct Memo {
  std::mutex mutex;
  std::map<FileStamp, std::string> hashes;
};

Memo& memo() {
  static Memo instance;
  return instance;
}

}  // namespace

std::string hash_file_memo(const std::string& path) {
  const auto before = stamp_of(path);
  if (before) {
    std::lock_guard lock(memo().mutex);
    if (auto it = memo().hashes.find(*before); it != memo().hashes.end()) return it->second;
  }
  std::string hash = hash_file(path);
  // Remembered only when the file did not change while it was read.
  if (before && stamp_of(path) == before) {
    std::lock_guard lock(memo().mutex);
    memo().hashes[*before] = hash;
  }
  return hash;
}

std::string read_file_hashed(const std::string& path, std::string& hash) {
  const auto before = stamp_of(path);
  std::string bytes = read_file(path);
  hash = hash_bytes(bytes);
  if (before && stamp_of(path) == before) {
    std::lock_guard lock(memo().mutex);
    memo().hashes[*before] = hash;
  }
  return bytes;
}

std::optional<std::string> remembered_file_hash(const std::string& path) {
  const auto stamp = stamp_of(path);
  if (!stamp) return std::nullopt;
  std::lock_guard lock(memo().mutex);
  auto it = memo().hashes.find(*stamp);
  if (it == memo().hashes.end()) return std::nullopt;
  return it->second;
}

void remember_file_hash(const std::string& path, const std::string& hash, FileIdentity expected) {
  const auto stamp = stamp_of(path);
  if (!stamp || std::get<0>(*stamp) != expected.device || std::get<1>(*stamp) != expected.inode) {
    return;
  }
  std::lock_guard lock(memo().mutex);
  memo().hashes[*stamp] = hash;
}

void forget_file_hash(const std::string& path) {
  if (const auto stamp = stamp_of(path)) {
    std::lock_guard lock(memo().mutex);
    memo().hashes.erase(*stamp);
  }
}

}  // namespace mlops

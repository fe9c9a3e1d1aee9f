// A full disk for one process, by LD_PRELOAD: writes to files under MLOPS_FAULT_DIR fail with
// ENOSPC, the way they do when the file system fills up. No product change is needed and every
// writer is hit, the libraries' (SQLite, libstdc++, stdio's fwrite) included. The tests in
// tests/e2e/fault_disk_full_test.cpp preload it into the `mlops` they run.
//
//   MLOPS_FAULT_DIR=/abs/dir   only files whose path starts with this directory are affected
//   MLOPS_FAULT_MATCH=text     the disk fills on the first write to a path containing `text`
//                              (default: any file under the directory)
//   MLOPS_FAULT_AFTER=N        ... after N bytes were written to such paths (default 0)
//   MLOPS_FAULT_LOG=/abs/file  the path whose write filled the disk is appended here
//
// Once full, the disk stays full: every later write, copy, link or sync under the directory
// fails too (removing files still works), as on a real full file system.

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

#include <atomic>
#include <mutex>
#include <string>

namespace {

struct Settings {
  std::string dir;  // with a trailing '/'
  std::string match;
  long long after = 0;
  std::string log;
};

const Settings& settings() {
  static const Settings loaded = [] {
    Settings s;
    if (const char* dir = getenv("MLOPS_FAULT_DIR"); dir && *dir) {
      s.dir = dir;
      if (s.dir.back() != '/') s.dir += '/';
    }
    if (const char* match = getenv("MLOPS_FAULT_MATCH")) s.match = match;
    if (const char* after = getenv("MLOPS_FAULT_AFTER")) s.after = atoll(after);
    if (const char* log = getenv("MLOPS_FAULT_LOG")) s.log = log;
    return s;
  }();
  return loaded;
}

std::atomic<bool> full{false};
std::atomic<long long> budget_used{0};
std::mutex log_mutex;

template <typename F>
F real(const char* name) {
  return reinterpret_cast<F>(dlsym(RTLD_NEXT, name));
}

std::string fd_path(int fd) {
  char link[64];
  snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
  char target[4096];
  const ssize_t size = readlink(link, target, sizeof target - 1);
  return size > 0 ? std::string(target, static_cast<size_t>(size)) : std::string();
}

bool under_dir(const std::string& path) {
  const Settings& s = settings();
  return !s.dir.empty() && path.compare(0, s.dir.size(), s.dir) == 0;
}

void record(const std::string& path) {
  const Settings& s = settings();
  if (s.log.empty()) return;
  std::lock_guard lock(log_mutex);
  const int fd = open(s.log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) return;
  const std::string line = path + "\n";
  auto write_fn = real<ssize_t (*)(int, const void*, size_t)>("write");
  (void)!write_fn(fd, line.data(), line.size());
  close(fd);
}

// How many of `size` bytes for `path` may still be written; 0 with the disk full.
size_t allowance(const std::string& path, size_t size) {
  if (!under_dir(path)) return size;
  if (full.load()) return 0;
  const Settings& s = settings();
  if (!s.match.empty() && path.find(s.match) == std::string::npos) return size;
  const long long used = budget_used.fetch_add(static_cast<long long>(size));
  const long long left = s.after - used;
  if (left >= static_cast<long long>(size) && size > 0) return size;
  if (!full.exchange(true)) record(path);
  return left > 0 ? static_cast<size_t>(left) : 0;
}

bool full_under(const std::string& path) {
  return full.load() && under_dir(path);
}

// The result of a write of `size` bytes allowed `allowed`: a short write, or ENOSPC.
template <typename Call>
ssize_t limited(size_t size, size_t allowed, Call call) {
  if (allowed == 0 && size > 0) {
    errno = ENOSPC;
    return -1;
  }
  return call(allowed);
}

}  // namespace

extern "C" {

ssize_t write(int fd, const void* data, size_t size) {
  static auto next = real<ssize_t (*)(int, const void*, size_t)>("write");
  if (fd <= 2) return next(fd, data, size);
  return limited(size, allowance(fd_path(fd), size), [&](size_t n) { return next(fd, data, n); });
}

// stdio writes through glibc's internal write, which no preload can replace: fwrite itself
// (XGBoost's file streams use it) fails instead.
size_t fwrite(const void* data, size_t size, size_t count, FILE* file) {
  static auto next = real<size_t (*)(const void*, size_t, size_t, FILE*)>("fwrite");
  const int fd = fileno(file);
  const size_t bytes = size * count;
  if (fd > 2 && bytes > 0 && allowance(fd_path(fd), bytes) < bytes) {
    errno = ENOSPC;
    return 0;
  }
  return next(data, size, count, file);
}

ssize_t pwrite(int fd, const void* data, size_t size, off_t offset) {
  static auto next = real<ssize_t (*)(int, const void*, size_t, off_t)>("pwrite");
  return limited(size, allowance(fd_path(fd), size),
                 [&](size_t n) { return next(fd, data, n, offset); });
}

ssize_t pwrite64(int fd, const void* data, size_t size, off64_t offset) {
  static auto next = real<ssize_t (*)(int, const void*, size_t, off64_t)>("pwrite64");
  return limited(size, allowance(fd_path(fd), size),
                 [&](size_t n) { return next(fd, data, n, offset); });
}

ssize_t writev(int fd, const struct iovec* iov, int count) {
  static auto next = real<ssize_t (*)(int, const struct iovec*, int)>("writev");
  size_t size = 0;
  for (int i = 0; i < count; ++i) size += iov[i].iov_len;
  if (size > 0 && allowance(fd_path(fd), size) < size) {
    errno = ENOSPC;  // all or nothing: simpler than splitting the vector, still a failed write
    return -1;
  }
  return next(fd, iov, count);
}

ssize_t sendfile(int out, int in, off_t* offset, size_t size) {
  static auto next = real<ssize_t (*)(int, int, off_t*, size_t)>("sendfile");
  return limited(size, allowance(fd_path(out), size),
                 [&](size_t n) { return next(out, in, offset, n); });
}

ssize_t sendfile64(int out, int in, off64_t* offset, size_t size) {
  static auto next = real<ssize_t (*)(int, int, off64_t*, size_t)>("sendfile64");
  return limited(size, allowance(fd_path(out), size),
                 [&](size_t n) { return next(out, in, offset, n); });
}

ssize_t copy_file_range(int in, off64_t* in_offset, int out, off64_t* out_offset, size_t size,
                        unsigned int flags) {
  static auto next =
      real<ssize_t (*)(int, off64_t*, int, off64_t*, size_t, unsigned int)>("copy_file_range");
  return limited(size, allowance(fd_path(out), size),
                 [&](size_t n) { return next(in, in_offset, out, out_offset, n, flags); });
}

int fallocate(int fd, int mode, off_t offset, off_t size) {
  static auto next = real<int (*)(int, int, off_t, off_t)>("fallocate");
  if (full_under(fd_path(fd))) {
    errno = ENOSPC;
    return -1;
  }
  return next(fd, mode, offset, size);
}

int posix_fallocate(int fd, off_t offset, off_t size) {
  static auto next = real<int (*)(int, off_t, off_t)>("posix_fallocate");
  if (full_under(fd_path(fd))) return ENOSPC;
  return next(fd, offset, size);
}

int fsync(int fd) {
  static auto next = real<int (*)(int)>("fsync");
  if (full_under(fd_path(fd))) {
    errno = ENOSPC;
    return -1;
  }
  return next(fd);
}

int fdatasync(int fd) {
  static auto next = real<int (*)(int)>("fdatasync");
  if (full_under(fd_path(fd))) {
    errno = ENOSPC;
    return -1;
  }
  return next(fd);
}

// A new directory entry needs space too: a hard link fails on a full disk.
int link(const char* from, const char* to) {
  static auto next = real<int (*)(const char*, const char*)>("link");
  char absolute[4096];
  const std::string target = to[0] == '/' || !getcwd(absolute, sizeof absolute)
                                 ? std::string(to)
                                 : std::string(absolute) + "/" + to;
  if (under_dir(target) && (full.load() || allowance(target, 1) == 0)) {
    errno = ENOSPC;
    return -1;
  }
  return next(from, to);
}

}  // extern "C"

#include "mlops/io/temp_files.h"

#include <signal.h>

#include <cctype>
#include <cerrno>
#include <filesystem>

namespace mlops {

int64_t temp_file_writer(const std::string& file_name) {
  const size_t at = file_name.rfind(".tmp-");
  if (at == std::string::npos) return 0;
  int64_t pid = 0;
  size_t i = at + 5;
  for (; i < file_name.size() && std::isdigit(static_cast<unsigned char>(file_name[i])); ++i) {
    if (pid > (int64_t{1} << 40)) return 0;
    pid = pid * 10 + (file_name[i] - '0');
  }
  if (i == at + 5) return 0;
  if (i < file_name.size()) {  // "-N", the writer's counter
    if (file_name[i] != '-' || i + 1 == file_name.size()) return 0;
    for (++i; i < file_name.size(); ++i) {
      if (!std::isdigit(static_cast<unsigned char>(file_name[i]))) return 0;
    }
  }
  return pid;
}

size_t remove_orphan_temp_files(const std::string& dir) {
  namespace fs = std::filesystem;
  size_t removed = 0;
  std::error_code error;
  for (auto it = fs::recursive_directory_iterator(dir, error);
       !error && it != fs::recursive_directory_iterator(); it.increment(error)) {
    const int64_t pid = temp_file_writer(it->path().filename().string());
    if (pid <= 0 || !it->is_regular_file(error)) continue;
    const bool gone = ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH;
    std::error_code ignored;
    if (gone && fs::remove(it->path(), ignored)) ++removed;
  }
  return removed;
}

}  // namespace mlops

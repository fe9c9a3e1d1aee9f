#pragma once
// What the fault tests share: starting `mlops` without waiting and killing it for real, and
// counting what a run left: records lost or duplicated, temp files, versions of the registry.

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "cli_runner.h"

namespace mlops::testing {

/// Starts `mlops <args>` in `cwd` (default: the repository root) without waiting, stdout and
/// stderr to `log`, so that a test can kill it.
inline pid_t spawn_mlops(const std::vector<std::string>& args, const std::string& log,
                         const std::string& cwd = MLOPS_SOURCE_DIR) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    if (::chdir(cwd.c_str()) != 0) ::_exit(127);
    const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(fd, 1);
    ::dup2(fd, 2);
    std::vector<char*> argv{const_cast<char*>(MLOPS_BINARY)};
    for (const auto& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
    argv.push_back(nullptr);
    ::execv(MLOPS_BINARY, argv.data());
    ::_exit(127);
  }
  return pid;
}

/// How a started process ended.
struct Ended {
  bool killed = false;  // by our SIGKILL, before it exited by itself
  int exit_code = -1;   // when it exited by itself
};

/// Sends SIGKILL to `pid` after `delay` (unless it has exited by then) and reaps it.
inline Ended kill_after(pid_t pid, std::chrono::microseconds delay) {
  std::this_thread::sleep_for(delay);
  ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  Ended ended;
  ended.killed = WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
  if (WIFEXITED(status)) ended.exit_code = WEXITSTATUS(status);
  return ended;
}

/// Runs `mlops <args>` to completion and returns its exit code and wall time.
inline std::pair<int, std::chrono::microseconds> run_timed(
    const std::vector<std::string>& args, const std::string& log,
    const std::string& cwd = MLOPS_SOURCE_DIR) {
  const auto start = std::chrono::steady_clock::now();
  const pid_t pid = spawn_mlops(args, log, cwd);
  int status = 0;
  ::waitpid(pid, &status, 0);
  const auto took = std::chrono::duration_cast<std::chrono::microseconds>(
      std::chrono::steady_clock::now() - start);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, took};
}

/// The fields of one CSV line (double-quoted fields may hold commas and "" quotes).
inline std::vector<std::string> csv_fields(const std::string& line) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        fields.back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        fields.back() += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      fields.emplace_back();
    } else {
      fields.back() += c;
    }
  }
  return fields;
}

/// The values of `column` in a CSV file (no newlines inside fields); appended to `values`.
inline void csv_column(const std::filesystem::path& file, const std::string& column,
                       std::vector<std::string>& values) {
  std::istringstream in(slurp(file));
  std::string line;
  if (!std::getline(in, line)) return;
  const auto header = csv_fields(line);
  const size_t index = std::find(header.begin(), header.end(), column) - header.begin();
  if (index == header.size()) {
    ADD_FAILURE() << file << " has no column " << column << ": " << line;
    return;
  }
  while (std::getline(in, line)) values.push_back(csv_fields(line).at(index));
}

/// Records lost and duplicated among `ids` when each of 1..`expected` should be there once.
struct Tally {
  size_t lost = 0;
  size_t duplicated = 0;
  Tally& operator+=(const Tally& other) {
    lost += other.lost;
    duplicated += other.duplicated;
    return *this;
  }
};

inline Tally tally_ids(const std::vector<std::string>& ids, int64_t expected) {
  std::map<int64_t, size_t> seen;
  Tally tally;
  for (const auto& id : ids) {
    const int64_t value = std::stoll(id);
    if (value < 1 || value > expected) {
      ++tally.duplicated;  // a record that should not be there at all
      continue;
    }
    if (++seen[value] > 1) ++tally.duplicated;
  }
  tally.lost = static_cast<size_t>(expected) - seen.size();
  return tally;
}

/// Files under `root` whose name holds ".tmp-" (an atomic writer's temp file) or that sit in a
/// registry's `.incoming-*` folder: what a killed or failed writer may leave behind.
inline std::vector<std::string> leftover_temp_files(const std::filesystem::path& root) {
  std::vector<std::string> found;
  std::error_code error;
  for (auto it = std::filesystem::recursive_directory_iterator(root, error);
       it != std::filesystem::recursive_directory_iterator(); it.increment(error)) {
    const std::string name = it->path().filename().string();
    if (name.find(".tmp-") != std::string::npos || name.starts_with(".incoming-")) {
      found.push_back(it->path().string());
    }
  }
  return found;
}

/// The run directories under `runs_dir`.
inline std::set<std::string> run_dirs(const std::filesystem::path& runs_dir) {
  std::set<std::string> found;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(runs_dir, error)) {
    if (entry.is_directory()) found.insert(entry.path().string());
  }
  return found;
}

/// The directory in `after` that is neither in `before` nor `other` ("" when none).
inline std::string new_run_dir(const std::set<std::string>& before,
                               const std::set<std::string>& after, const std::string& other = "") {
  for (const auto& dir : after) {
    if (!before.contains(dir) && dir != other) return dir;
  }
  return "";
}

/// The newest run under `runs_dir` (by its manifest's start) that has `file`; "" when none.
inline std::filesystem::path only_run_with(const std::filesystem::path& runs_dir,
                                           const std::string& file) {
  std::filesystem::path newest;
  int64_t newest_start = -1;
  for (const auto& dir : run_dirs(runs_dir)) {
    const std::filesystem::path run(dir);
    if (!std::filesystem::exists(run / file)) continue;
    const int64_t start = read_json(run / "manifest.json").value("started_at_us", int64_t{0});
    if (start > newest_start) {
      newest_start = start;
      newest = run;
    }
  }
  return newest;
}

}  // namespace mlops::testing

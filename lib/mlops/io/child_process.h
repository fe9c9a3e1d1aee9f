#pragma once
// A program left running beside this one (no shell sees its arguments): started, watched,
// stopped. What `mlops train --workers N` and `mlops tracker` need to run XGBoost's tracker and
// the worker processes; run_process (process.h) is for programs waited on at once.

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace mlops {

class ChildProcess {
 public:
  /// Starts `argv` (argv[0] looked up in PATH) with `env` added to (or replacing in) this
  /// process's environment, stdin empty, stderr shared with this process, and stdout shared
  /// or, with `capture_stdout`, a pipe read by read_line(). Throws IoError when the program is
  /// not found or cannot be started.
  static ChildProcess start(const std::vector<std::string>& argv,
                            const std::vector<std::pair<std::string, std::string>>& env = {},
                            bool capture_stdout = false);
  /// Kills (SIGKILL) and reaps a child still running: none outlives its owner.
  ~ChildProcess();
  ChildProcess(ChildProcess&& other) noexcept;
  ChildProcess& operator=(ChildProcess&&) = delete;
  ChildProcess(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  /// The next line of its stdout (without the newline); nullopt when its stdout closed or
  /// `timeout` passed first.
  std::optional<std::string> read_line(std::chrono::milliseconds timeout);
  /// Its exit status once it has exited (128 + N when killed by signal N); nullopt while it
  /// runs. Never blocks.
  std::optional<int> poll();
  /// Waits for it to exit and returns its status as poll() does.
  int wait();
  /// Sends `signal` unless it has already been reaped.
  void send_signal(int signal);

 private:
  ChildProcess() = default;
  pid_t pid_ = -1;
  int stdout_fd_ = -1;
  std::string buffered_;
  std::optional<int> status_;
};

/// "exit code N" or "killed by signal N (SIGKILL)" for a status as ChildProcess reports it.
std::string describe_exit(int status);

}  // namespace mlops

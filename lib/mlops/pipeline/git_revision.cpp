#include "mlops/pipeline/git_revision.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace mlops {

namespace {

struct Output {
  int status = -1;  // exit code, -1 when git could not run
  std::string text;
  std::string error;  // why it could not run
};

// Runs git with `args` (no shell), stdout captured, stderr discarded.
Output run_git(std::vector<std::string> args) {
  args.insert(args.begin(), "git");
  std::vector<char*> argv;
  for (auto& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  Output out;
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) {
    out.error = std::strerror(errno);
    return out;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  pid_t pid = 0;
  const int spawned = ::posix_spawnp(&pid, "git", &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(pipe_fds[1]);
  if (spawned != 0) {
    ::close(pipe_fds[0]);
    out.error = std::string("cannot run git: ") + std::strerror(spawned);
    return out;
  }
  char buffer[4096];
  for (;;) {
    const ssize_t n = ::read(pipe_fds[0], buffer, sizeof buffer);
    if (n > 0) {
      out.text.append(buffer, static_cast<size_t>(n));
    } else if (n == 0 || errno != EINTR) {
      break;
    }
  }
  ::close(pipe_fds[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  out.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return out;
}

}  // namespace

GitRevision git_revision(const std::string& dir) {
  GitRevision revision;
  const Output head = run_git({"-C", dir, "rev-parse", "HEAD"});
  if (head.status != 0) {
    revision.reason = !head.error.empty() ? head.error
                      : head.status == 128
                          ? "'" + dir + "' is not in a git repository (or it has no commit)"
                          : "git rev-parse failed";
    return revision;
  }
  revision.commit = head.text.substr(0, head.text.find_first_of("\r\n"));
  const Output status = run_git({"-C", dir, "status", "--porcelain", "--untracked-files=no"});
  if (status.status == 0) revision.dirty = !status.text.empty();
  return revision;
}

}  // namespace mlops

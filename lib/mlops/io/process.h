#pragma once
// Runs another program (git, jupyter) with an argument list: no shell ever sees the arguments,
// so a file name cannot inject a command.

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace mlops {

struct ProcessResult {
  int exit_code = -1;  // the program's exit status; 128 + N when killed by signal N
  std::string out;     // everything it wrote to stdout
  std::string err;     // everything it wrote to stderr
};

/// The full path of `program` found through PATH (or `program` itself when it contains a '/'
/// and is executable); nullopt when there is none.
std::optional<std::string> find_program(const std::string& program);

/// Runs `argv` (argv[0] looked up in PATH) with stdin empty and waits for it, capturing its
/// output. Throws IoError when the program is not found or cannot be started.
ProcessResult run_process(const std::vector<std::string>& argv);

/// The running executable's own file (/proc/self/exe, symbolic links resolved). Throws IoError
/// when the kernel cannot tell.
std::filesystem::path own_executable();

/// What replace_process reports when the program could not be started (it never returns
/// otherwise): the errno of execv, ENOENT when `path` does not exist.
struct ExecFailure {
  int error = 0;
};

/// Replaces this process with `path` run with `argv` (argv[0] included) and the current
/// environment, as execv(2) does: the pid, open descriptors without FD_CLOEXEC and the signal
/// dispositions reset by exec carry over. Returns only when exec failed, with its errno.
ExecFailure replace_process(const std::filesystem::path& path,
                            const std::vector<std::string>& argv);

}  // namespace mlops

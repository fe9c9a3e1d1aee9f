#pragma once
// Runs the built `mlops` binary (from the repository root or another directory) and captures
// what it printed.

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "support/temp_dir.h"

namespace mlops::testing {

struct CliResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

inline std::string slurp(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

inline nlohmann::json read_json(const std::filesystem::path& path) {
  return nlohmann::json::parse(slurp(path));
}

/// Runs `mlops <args>` with `cwd` as working directory (`args` is shell text); stdout and
/// stderr go through files in `scratch`.
inline CliResult run_mlops_in(const std::string& cwd, const std::string& args,
                              const TempDir& scratch, const std::string& env_prefix = "") {
  const std::string out = scratch.file("stdout.txt"), err = scratch.file("stderr.txt");
  const std::string command = "cd '" + cwd + "' && " + env_prefix + " '" MLOPS_BINARY "' " + args +
                              " > '" + out + "' 2> '" + err + "'";
  int status = std::system(command.c_str());
  CliResult result;
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  result.out = slurp(out);
  result.err = slurp(err);
  return result;
}

/// Runs `mlops <args>` with the repository root as working directory (`args` is shell text).
inline CliResult run_mlops(const std::string& args, const TempDir& scratch,
                           const std::string& env_prefix = "") {
  return run_mlops_in(MLOPS_SOURCE_DIR, args, scratch, env_prefix);
}

/// The only run directory under `runs_dir`.
inline std::filesystem::path only_run(const std::filesystem::path& runs_dir) {
  std::filesystem::path found;
  for (const auto& entry : std::filesystem::directory_iterator(runs_dir)) {
    if (entry.is_directory()) found = entry.path();
  }
  return found;
}

inline size_t count_lines(const std::string& text) {
  size_t lines = 0;
  for (char c : text) lines += c == '\n';
  return lines;
}

}  // namespace mlops::testing

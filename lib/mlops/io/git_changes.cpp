#include "mlops/io/git_changes.h"

#include <algorithm>
#include <filesystem>
#include <string_view>

#include "mlops/core/error.h"
#include "mlops/io/process.h"

namespace mlops {

namespace {

std::string first_line(std::string_view text) {
  const size_t end = text.find('\n');
  return std::string(text.substr(0, end));
}

ProcessResult git(const std::vector<std::string>& args) {
  std::vector<std::string> argv{"git"};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_process(argv);
}

/// Splits `-z` output (NUL-terminated names).
std::vector<std::string> split_nul(std::string_view text) {
  std::vector<std::string> names;
  while (!text.empty()) {
    const size_t end = text.find('\0');
    names.emplace_back(text.substr(0, end));
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return names;
}

}  // namespace

std::vector<std::string> git_changed_files(const std::string& ref) {
  if (!find_program("git")) {
    throw ConfigError("--changed needs git, which is not installed (Debian: apt-get install git)");
  }
  const ProcessResult top = git({"rev-parse", "--show-toplevel"});
  if (top.exit_code != 0) {
    throw ConfigError("--changed needs a git work tree: {}", first_line(top.err));
  }
  const std::filesystem::path root = first_line(top.out);
  // A ref that starts with '-' would be read as an option.
  if (ref.empty() || ref.starts_with("-") ||
      git({"-C", root.string(), "rev-parse", "--verify", "--quiet", ref + "^{commit}"}).exit_code !=
          0) {
    throw ConfigError("--changed: '{}' is not a commit in {}", ref, root.string());
  }
  const ProcessResult changed = git({"-C", root.string(), "diff", "--name-only", "--no-renames",
                                     "--diff-filter=AM", "-z", ref, "--"});
  const ProcessResult untracked =
      git({"-C", root.string(), "ls-files", "--others", "--exclude-standard", "-z"});
  for (const ProcessResult* result : {&changed, &untracked}) {
    if (result->exit_code != 0) throw IoError("git failed: {}", first_line(result->err));
  }
  std::vector<std::string> names = split_nul(changed.out);
  for (auto& name : split_nul(untracked.out)) names.push_back(std::move(name));

  std::vector<std::string> files;
  for (const auto& name : names) {
    const std::filesystem::path full = root / name;
    std::error_code error;
    if (!std::filesystem::is_regular_file(full, error)) continue;
    files.push_back(std::filesystem::proximate(full, error).string());
  }
  std::sort(files.begin(), files.end());
  files.erase(std::unique(files.begin(), files.end()), files.end());
  return files;
}

}  // namespace mlops

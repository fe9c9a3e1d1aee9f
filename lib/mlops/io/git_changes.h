#pragma once
// The files a change touches, from git: what `--changed [REF]` selects.

#include <string>
#include <vector>

namespace mlops {

/// Files added or modified since `ref` in the git work tree holding the current directory:
/// committed, staged and unstaged changes (`git diff --name-only --no-renames
/// --diff-filter=AM REF`) plus untracked files git does not ignore. Paths are relative to the
/// current directory, sorted, and name files that exist. Throws ConfigError when git is not
/// installed, the current directory is not in a git work tree, or `ref` is not a commit.
std::vector<std::string> git_changed_files(const std::string& ref);

}  // namespace mlops

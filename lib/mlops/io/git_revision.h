#pragma once
// The git commit a model was trained from: lineage for model_meta.json.

#include <optional>
#include <string>

namespace mlops {

struct GitRevision {
  std::string commit;         // 40 hex digits; empty when unknown
  std::optional<bool> dirty;  // tracked files changed since the commit; unknown without a commit
  std::string reason;         // why commit is empty
};

/// `git -C <dir> rev-parse HEAD` and `git -C <dir> status --porcelain --untracked-files=no`,
/// run without a shell. Never throws: a missing git or a directory outside a repository gives
/// an empty commit and the reason.
GitRevision git_revision(const std::string& dir);

}  // namespace mlops

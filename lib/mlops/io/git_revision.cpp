#include "mlops/io/git_revision.h"

#include "mlops/core/error.h"
#include "mlops/io/process.h"

namespace mlops {

GitRevision git_revision(const std::string& dir) {
  GitRevision revision;
  ProcessResult head;
  try {
    head = run_process({"git", "-C", dir, "rev-parse", "HEAD"});
  } catch (const IoError& error) {  // git is not installed: the lineage says so
    revision.reason = error.what();
    return revision;
  }
  if (head.exit_code != 0) {
    revision.reason = head.exit_code == 128
                          ? "'" + dir + "' is not in a git repository (or it has no commit)"
                          : "git rev-parse failed";
    return revision;
  }
  revision.commit = head.out.substr(0, head.out.find_first_of("\r\n"));
  const ProcessResult status =
      run_process({"git", "-C", dir, "status", "--porcelain", "--untracked-files=no"});
  if (status.exit_code == 0) revision.dirty = !status.out.empty();
  return revision;
}

}  // namespace mlops

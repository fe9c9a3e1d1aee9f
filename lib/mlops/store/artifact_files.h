#pragma once
// What every registry backend does with a version's files on disk: the model-name alphabet
// (names become folder names), copying a run's artifact folder into the registry's, and
// publishing it together with the version's row.

#include <functional>
#include <string>

namespace mlops {

/// Throws ConfigError unless `model` is letters, digits, '-', '_' and '.' (not first).
void check_model_name(const std::string& model);

/// Copies (hard-links where possible: runs are never modified in place) the regular files of
/// `from` into `to`, creating it. Throws IoError naming the file that cannot be copied.
void copy_artifacts(const std::string& from, const std::string& to);

/// Copies `artifact_dir` into a private folder under `model_dir`
/// (`.incoming-<host>-<pid>-<run>`, outside any lock or transaction) and returns its path; a
/// failed copy leaves nothing behind, and the folders of this host's processes that died
/// while staging (SIGKILL, power loss) are removed first. Throws IoError.
std::string stage_artifacts(const std::string& artifact_dir, const std::string& model_dir,
                            const std::string& run_id);

/// Publishes a staged folder as `version_dir` (a rename, replacing a folder a crash left
/// between rename and commit) and then runs `commit` (the version row's transaction); when
/// the commit throws, the folder is removed again, so no folder outlives its missing row.
void publish_artifacts(const std::string& staged, const std::string& version_dir,
                       const std::function<void()>& commit);

}  // namespace mlops

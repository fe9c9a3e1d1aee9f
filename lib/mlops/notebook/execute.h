#pragma once
// `mlops notebooks export --execute`: runs a notebook through Jupyter before it is rendered.

#include <string>

namespace mlops {

/// A notebook executed by `jupyter nbconvert --to notebook --execute`, kept in a temporary
/// directory that goes away with this object. The source file is never modified; the kernel
/// starts in the notebook's own directory, so the relative paths it reads work.
class ExecutedNotebook {
 public:
  /// Throws ConfigError when `jupyter` or `jupyter-nbconvert` is not on PATH (saying what to
  /// install), DataError "<path>: execution failed: ..." with the end of nbconvert's output
  /// when a cell fails, and IoError when the temporary directory cannot be made.
  explicit ExecutedNotebook(const std::string& path);
  ~ExecutedNotebook();
  ExecutedNotebook(const ExecutedNotebook&) = delete;
  ExecutedNotebook& operator=(const ExecutedNotebook&) = delete;

  /// The executed copy.
  const std::string& path() const { return path_; }

 private:
  std::string directory_;
  std::string path_;
};

}  // namespace mlops

#pragma once
// What every registry backend does with a version's files on disk: the model-name alphabet
// (names become folder names) and copying a run's artifact folder into the registry's.

#include <string>

namespace mlops {

/// Throws ConfigError unless `model` is letters, digits, '-', '_' and '.' (not first).
void check_model_name(const std::string& model);

/// Copies (hard-links where possible: runs are never modified in place) the regular files of
/// `from` into `to`, creating it. Throws IoError naming the file that cannot be copied.
void copy_artifacts(const std::string& from, const std::string& to);

}  // namespace mlops

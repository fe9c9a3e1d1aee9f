#pragma once
// `mlops init`: writes a new project (workflow, configs, contract, sample data, notebook,
// pre-commit hooks, GitHub Actions) from the embedded templates.

#include <string>
#include <string_view>
#include <vector>

#include "mlops/scaffold/templates.h"

namespace mlops {

struct ScaffoldOptions {
  std::string dir;     // created when missing
  std::string name;    // empty: the last component of dir
  bool force = false;  // write into a non-empty dir (existing files are still kept)
};

struct ScaffoldResult {
  std::string name;
  std::vector<std::string> written;  // relative paths, in template order
  std::vector<std::string> skipped;  // relative paths that existed and were left unchanged
};

/// The name a project in `dir` gets by default: its last path component ("." resolved).
std::string default_project_name(const std::string& dir);

/// Throws ConfigError unless `name` is 1 to 64 letters, digits, '-', '_' or '.', starting
/// with a letter or digit: it becomes a file name, a workflow name and part of run ids.
void check_project_name(const std::string& name);

/// `text` with every `{{name}}` replaced by `name`; any other text, `${{ ... }}` included,
/// is kept as is.
std::string substitute_name(std::string_view text, std::string_view name);

/// Writes every template into options.dir, each file atomically; a file that starts with "#!"
/// is made executable. Never overwrites: an existing file is skipped and listed. Throws
/// ConfigError for an invalid name, a dir that is a file, or a non-empty dir without force;
/// IoError when a file cannot be written.
ScaffoldResult scaffold_project(const ScaffoldOptions& options,
                                const std::vector<TemplateFile>& templates = project_templates());

}  // namespace mlops

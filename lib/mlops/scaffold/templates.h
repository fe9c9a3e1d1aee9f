#pragma once
// The files of a new project (templates/project/ in the source tree), embedded into the binary
// at build time by cmake/embed_files.cmake.

#include <string_view>
#include <vector>

namespace mlops {

/// One template file: its path relative to the project root and its bytes. Both may hold
/// `{{name}}`, replaced by the project name when written.
struct TemplateFile {
  std::string_view path;
  std::string_view contents;
};

/// Every file under templates/project/, sorted by path (defined in the generated source).
const std::vector<TemplateFile>& project_templates();

}  // namespace mlops

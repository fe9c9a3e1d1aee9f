#include "mlops/scaffold/scaffold.h"

#include <filesystem>
#include <regex>

#include "mlops/core/error.h"
#include "mlops/io/file.h"

namespace mlops {

namespace fs = std::filesystem;

namespace {

// Templates spell the project's name as this token (in file text and paths); it is the only
// substitution, so GitHub's own `${{ ... }}` expressions pass through untouched.
constexpr std::string_view kProjectNameToken = "{{name}}";

size_t count_entries(const fs::path& dir) {
  size_t entries = 0;
  for ([[maybe_unused]] const auto& entry : fs::directory_iterator(dir)) ++entries;
  return entries;
}

// Refuses a path that is a file, and a non-empty directory unless forced.
void check_target_dir(const ScaffoldOptions& options) {
  std::error_code error;
  const fs::path dir(options.dir);
  if (!fs::exists(dir, error)) return;
  if (!fs::is_directory(dir, error)) {
    throw ConfigError("init: '{}' exists and is not a directory", options.dir);
  }
  const size_t entries = count_entries(dir);
  if (entries > 0 && !options.force) {
    throw ConfigError(
        "init: '{}' is not empty ({} {}); pass --force to add the project files next to them "
        "(existing files are never overwritten)",
        options.dir, entries, entries == 1 ? "entry" : "entries");
  }
}

void make_executable(const std::string& path) {
  std::error_code error;
  fs::permissions(path, fs::perms::owner_exec | fs::perms::group_exec | fs::perms::others_exec,
                  fs::perm_options::add, error);
  if (error) throw IoError("cannot make '{}' executable: {}", path, error.message());
}

}  // namespace

std::string default_project_name(const std::string& dir) {
  fs::path path = fs::absolute(dir).lexically_normal();
  if (!path.has_filename()) path = path.parent_path();  // "proj/" -> "proj"
  return path.filename().string();
}

void check_project_name(const std::string& name) {
  static const std::regex kValid("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
  if (!std::regex_match(name, kValid)) {
    throw ConfigError(
        "init: project name '{}' is not valid: use 1 to 64 letters, digits, '-', '_' or '.', "
        "starting with a letter or digit (choose one with --name NAME)",
        name);
  }
}

std::string substitute_name(std::string_view text, std::string_view name) {
  std::string out;
  out.reserve(text.size());
  size_t from = 0;
  for (size_t at = text.find(kProjectNameToken); at != std::string_view::npos;
       at = text.find(kProjectNameToken, from)) {
    out.append(text.substr(from, at - from)).append(name);
    from = at + kProjectNameToken.size();
  }
  out.append(text.substr(from));
  return out;
}

ScaffoldResult scaffold_project(const ScaffoldOptions& options,
                                const std::vector<TemplateFile>& templates) {
  ScaffoldResult result;
  result.name = options.name.empty() ? default_project_name(options.dir) : options.name;
  check_project_name(result.name);
  check_target_dir(options);
  make_directories(options.dir);
  for (const TemplateFile& file : templates) {
    const std::string relative = substitute_name(file.path, result.name);
    const std::string path = (fs::path(options.dir) / relative).string();
    if (path_exists(path)) {
      result.skipped.push_back(relative);
      continue;
    }
    write_file_atomic(path, substitute_name(file.contents, result.name));
    if (file.contents.starts_with("#!")) make_executable(path);
    result.written.push_back(relative);
  }
  return result;
}

}  // namespace mlops

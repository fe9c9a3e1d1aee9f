#include "mlops/store/artifact_files.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cctype>
#include <filesystem>

#include "mlops/core/error.h"

namespace mlops {

namespace fs = std::filesystem;

void check_model_name(const std::string& model) {
  bool ok = !model.empty() && model[0] != '.';
  for (char c : model)
    ok = ok && (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.');
  if (!ok) {
    throw ConfigError(
        "model name '{}' is not usable: use letters, digits, '-', '_' and '.' (not first)", model);
  }
}

void copy_artifacts(const std::string& from, const std::string& to) {
  std::error_code error;
  fs::create_directories(to, error);
  if (error) throw IoError("{}: cannot create: {}", to, error.message());
  for (const auto& entry : fs::directory_iterator(from)) {
    if (!entry.is_regular_file()) continue;
    const fs::path target = fs::path(to) / entry.path().filename();
    fs::create_hard_link(entry.path(), target, error);
    if (error) {
      error.clear();
      fs::copy_file(entry.path(), target, fs::copy_options::overwrite_existing, error);
      if (error) {
        throw IoError("cannot copy '{}' into the registry at '{}': {}", entry.path().string(),
                      target.string(), error.message());
      }
    }
  }
}

std::string stage_artifacts(const std::string& artifact_dir, const std::string& model_dir,
                            const std::string& run_id) {
  const fs::path staged =
      fs::path(model_dir) /
      fmt::format(".incoming-{}-{}", run_id.empty() ? "adhoc" : run_id, getpid());
  std::error_code error;
  fs::remove_all(staged, error);
  try {
    copy_artifacts(artifact_dir, staged.string());
  } catch (const IoError&) {
    fs::remove_all(staged, error);  // a full disk leaves no half-copied version behind
    throw;
  }
  return staged.string();
}

void publish_artifacts(const std::string& staged, const std::string& version_dir,
                       const std::function<void()>& commit) {
  std::error_code error;
  // A folder left by a crash between rename and commit holds no registered version.
  fs::remove_all(version_dir, error);
  fs::rename(staged, version_dir, error);
  if (error) {
    throw IoError("{}: cannot publish the model version: {}", version_dir, error.message());
  }
  try {
    commit();
  } catch (const Error&) {
    fs::remove_all(version_dir, error);  // not registered: no folder without its row
    throw;
  }
}

}  // namespace mlops

#include "mlops/store/artifact_files.h"

#include <fmt/format.h>
#include <signal.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <charconv>
#include <filesystem>

#include "mlops/core/error.h"

namespace mlops {

namespace fs = std::filesystem;

namespace {

/// `.incoming-<host>-`: the start of the names of this host's staged folders.
std::string incoming_prefix() {
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
  return fmt::format(".incoming-{}-", host);
}

/// Removes the staged folders under `model_dir` that a process of this host left when it died
/// (killed while copying or uploading, before publishing): they hold no version and would
/// otherwise stay forever. Another host's folders (a shared models_dir) are left alone.
void remove_dead_stagings(const fs::path& model_dir, const std::string& prefix) {
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(model_dir, error)) {
    const std::string name = entry.path().filename().string();
    if (!name.starts_with(prefix)) continue;
    int64_t pid = 0;
    const char* begin = name.data() + prefix.size();
    const auto [end, parsed] = std::from_chars(begin, name.data() + name.size(), pid);
    if (parsed != std::errc() || end == begin || pid <= 0) continue;
    if (::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH) {
      std::error_code ignored;
      fs::remove_all(entry.path(), ignored);
    }
  }
}

}  // namespace

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
  const std::string prefix = incoming_prefix();
  remove_dead_stagings(model_dir, prefix);
  const fs::path staged = fs::path(model_dir) / fmt::format("{}{}-{}", prefix, getpid(),
                                                            run_id.empty() ? "adhoc" : run_id);
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

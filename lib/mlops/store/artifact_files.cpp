#include "mlops/store/artifact_files.h"

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

}  // namespace mlops

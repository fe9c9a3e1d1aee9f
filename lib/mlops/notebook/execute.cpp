#include "mlops/notebook/execute.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string_view>

#include "mlops/core/error.h"
#include "mlops/io/process.h"
#include "mlops/notebook/outputs.h"

namespace mlops {

namespace {

/// The last `count` lines of `text`, where nbconvert puts the failing cell and its error.
std::string last_lines(std::string_view text, size_t count) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.remove_suffix(1);
  size_t start = text.size();
  for (size_t lines = 0; lines < count && start > 0; ++lines) {
    const size_t newline = text.rfind('\n', start - 1);
    if (newline == std::string_view::npos) return std::string(text);
    start = newline;
  }
  return std::string(text.substr(start == text.size() ? 0 : start + 1));
}

std::string make_temp_directory() {
  std::string pattern = (std::filesystem::temp_directory_path() / "mlops-execute-XXXXXX").string();
  if (!::mkdtemp(pattern.data())) {
    throw IoError("cannot create a temporary directory: {}", std::strerror(errno));
  }
  return pattern;
}

}  // namespace

ExecutedNotebook::ExecutedNotebook(const std::string& path) {
  if (!find_program("jupyter") || !find_program("jupyter-nbconvert")) {
    throw ConfigError(
        "--execute needs Jupyter's nbconvert and a Python kernel, and `jupyter nbconvert` is not "
        "on PATH: install them (Debian: apt-get install jupyter-nbconvert python3-ipykernel; "
        "pip: pip install nbconvert ipykernel), or export without --execute");
  }
  directory_ = make_temp_directory();
  path_ = directory_ + "/executed.ipynb";
  try {
    const ProcessResult result =
        run_process({"jupyter", "nbconvert", "--to", "notebook", "--execute", "--output-dir",
                     directory_, "--output", "executed", path});
    if (result.exit_code != 0 || !std::filesystem::exists(path_)) {
      throw DataError("{}: execution failed (jupyter nbconvert exit {}):\n{}", path,
                      result.exit_code, notebook_detail::strip_ansi(last_lines(result.err, 20)));
    }
  } catch (...) {
    std::error_code ignored;
    std::filesystem::remove_all(directory_, ignored);  // the destructor will not run
    throw;
  }
}

ExecutedNotebook::~ExecutedNotebook() {
  std::error_code ignored;
  if (!directory_.empty()) std::filesystem::remove_all(directory_, ignored);
}

}  // namespace mlops

#pragma once
// `mlops notebooks strip|export` over many files: which notebooks (the files given, or those git
// reports changed), the metadata allow-list in force, and one line per notebook.

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "mlops/config/node.h"
#include "mlops/notebook/notebook_html.h"
#include "mlops/notebook/strip.h"

namespace mlops {

/// The notebooks to work on: `files` as given, or with `changed_since` the `.ipynb` files
/// git_changed_files() reports (outside `.ipynb_checkpoints/`). Throws ConfigError when both or
/// neither are given, and git_changed_files()'s errors.
std::vector<std::string> select_notebooks(const std::vector<std::string>& files,
                                          const std::optional<std::string>& changed_since);

/// The allow-list strip uses: default_keep_metadata(), then `notebooks.keep_metadata` from the
/// config, then `flags` (--keep-metadata, each may hold several paths separated by commas).
/// Throws ConfigError naming the config value's origin or the flag for a malformed path.
std::vector<std::string> keep_metadata_in_force(const ConfigNode& config,
                                                const std::vector<std::string>& flags);

struct NotebookStrip {
  std::string path;
  StripCounts counts;
};

/// Strips each notebook (`write`) or only measures what would change (`--check`).
std::vector<NotebookStrip> strip_notebooks(const std::vector<std::string>& paths,
                                           const std::vector<std::string>& keep, bool write);
/// One line per notebook: "<path>: stripped (3 outputs, 2 execution counts, 4 metadata keys)",
/// "would be stripped (...)" when `check`, or "<path>: clean".
std::string summarize_strips(const std::vector<NotebookStrip>& strips, bool check);
/// [{"path", "changed", "outputs", "execution_counts", "metadata_keys"}, ...]
nlohmann::json strips_to_json(const std::vector<NotebookStrip>& strips);
/// The verdict of `strip --check`: throws CheckFailed ("N of M notebooks would be stripped")
/// when a strip would change any notebook; returns when every one is clean.
void require_stripped(const std::vector<NotebookStrip>& strips);

/// Writes `<out_dir>/<stem>.html` for each notebook (running it first when `execute`) and
/// returns the pages' paths. Throws ConfigError when two notebooks share a stem, and the errors
/// of export_notebook() and ExecutedNotebook.
std::vector<std::string> export_notebooks(const std::vector<std::string>& paths,
                                          const std::string& out_dir, bool execute,
                                          const NotebookHtmlOptions& options);

}  // namespace mlops

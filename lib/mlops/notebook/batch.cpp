#include "mlops/notebook/batch.h"

#include <fmt/format.h>

#include <filesystem>
#include <map>
#include <memory>

#include "mlops/core/error.h"
#include "mlops/io/file.h"
#include "mlops/io/git_changes.h"
#include "mlops/notebook/execute.h"
#include "mlops/notebook/json_spans.h"

namespace mlops {

namespace {

bool is_notebook(const std::filesystem::path& path) {
  if (path.extension() != ".ipynb") return false;
  for (const auto& part : path) {
    if (part == ".ipynb_checkpoints") return false;  // Jupyter's autosaves, never committed
  }
  return true;
}

std::vector<std::string> split_commas(const std::string& text) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (start <= text.size()) {
    const size_t comma = std::min(text.find(',', start), text.size());
    if (comma > start) parts.push_back(text.substr(start, comma - start));
    start = comma + 1;
  }
  return parts;
}

std::string describe(const StripCounts& counts) {
  return fmt::format("{} output{}, {} execution count{}, {} metadata key{}", counts.outputs,
                     counts.outputs == 1 ? "" : "s", counts.execution_counts,
                     counts.execution_counts == 1 ? "" : "s", counts.metadata_keys,
                     counts.metadata_keys == 1 ? "" : "s");
}

}  // namespace

std::vector<std::string> select_notebooks(const std::vector<std::string>& files,
                                          const std::optional<std::string>& changed_since) {
  if (changed_since && !files.empty()) {
    throw ConfigError("give notebook files or --changed, not both");
  }
  if (!changed_since) {
    if (files.empty()) throw ConfigError("no notebooks: give FILE... or --changed [REF]");
    return files;
  }
  std::vector<std::string> notebooks;
  for (const auto& path : git_changed_files(*changed_since)) {
    if (is_notebook(path)) notebooks.push_back(path);
  }
  return notebooks;
}

std::vector<std::string> keep_metadata_in_force(const ConfigNode& config,
                                                const std::vector<std::string>& flags) {
  std::vector<std::string> keep = default_keep_metadata();
  if (const ConfigNode* node = config.find_path("notebooks.keep_metadata")) {
    const std::vector<std::string> configured = node->as_string_list("notebooks.keep_metadata");
    check_keep_metadata(configured, node->origin().describe() + ": key 'notebooks.keep_metadata'");
    keep.insert(keep.end(), configured.begin(), configured.end());
  }
  for (const auto& flag : flags) {
    const std::vector<std::string> paths = split_commas(flag);
    check_keep_metadata(paths, "--keep-metadata");
    keep.insert(keep.end(), paths.begin(), paths.end());
  }
  return keep;
}

std::vector<NotebookStrip> strip_notebooks(const std::vector<std::string>& paths,
                                           const std::vector<std::string>& keep, bool write) {
  std::vector<NotebookStrip> strips;
  for (const auto& path : paths) strips.push_back({path, strip_notebook_file(path, keep, write)});
  return strips;
}

std::string summarize_strips(const std::vector<NotebookStrip>& strips, bool check) {
  std::string text;
  for (const auto& strip : strips) {
    if (!strip.counts.changed()) {
      text += fmt::format("{}: clean\n", strip.path);
    } else {
      text += fmt::format("{}: {} ({})\n", strip.path, check ? "would be stripped" : "stripped",
                          describe(strip.counts));
    }
  }
  return text;
}

nlohmann::json strips_to_json(const std::vector<NotebookStrip>& strips) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& strip : strips) {
    out.push_back({{"path", strip.path},
                   {"changed", strip.counts.changed()},
                   {"outputs", strip.counts.outputs},
                   {"execution_counts", strip.counts.execution_counts},
                   {"metadata_keys", strip.counts.metadata_keys}});
  }
  return out;
}

void require_stripped(const std::vector<NotebookStrip>& strips) {
  size_t dirty = 0;
  for (const auto& strip : strips) dirty += strip.counts.changed();
  if (dirty > 0) {
    throw CheckFailed("{} of {} notebooks would be stripped: run `mlops notebooks strip` on them",
                      dirty, strips.size());
  }
}

std::vector<std::string> export_notebooks(const std::vector<std::string>& paths,
                                          const std::string& out_dir, bool execute,
                                          const NotebookHtmlOptions& options) {
  std::map<std::string, std::string> source_of_page;
  std::vector<std::string> pages;
  for (const auto& path : paths) {
    const std::string stem = std::filesystem::path(path).stem().string();
    const std::string page = (std::filesystem::path(out_dir) / (stem + ".html")).string();
    const auto [existing, inserted] = source_of_page.emplace(page, path);
    if (!inserted) {
      throw ConfigError("'{}' and '{}' would both be exported to '{}': export them separately",
                        existing->second, path, page);
    }
    pages.push_back(page);
  }
  for (size_t i = 0; i < paths.size(); ++i) {
    const std::string stem = std::filesystem::path(paths[i]).stem().string();
    std::unique_ptr<ExecutedNotebook> executed;
    if (execute) {
      parse_json_spans(read_file(paths[i]), paths[i]);  // our error for bad JSON, not Python's
      executed = std::make_unique<ExecutedNotebook>(paths[i]);
    }
    export_notebook(executed ? executed->path() : paths[i], pages[i], stem, options);
  }
  return pages;
}

}  // namespace mlops

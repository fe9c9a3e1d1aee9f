// `mlops notebooks strip FILE...` and `mlops notebooks export FILE... --out DIR`, each also
// with `--changed [REF]`. The work is in lib/mlops/notebook/batch.h.

#include <fmt/format.h>

#include <cstdio>
#include <optional>

#include "commands.h"
#include "front_door.h"
#include "mlops/core/log.h"
#include "mlops/notebook/batch.h"
#include "options.h"

namespace mlops::cli {

namespace {

struct NotebookOptions {
  CommonOptions common;
  std::vector<std::string> files;
  std::string changed_since;
  CLI::Option* changed = nullptr;
  // strip
  bool check = false;
  std::vector<std::string> keep_metadata;
  std::string format = "text";
  // export
  std::string out_dir;
  bool execute = false;
  bool sandbox_html = false;
};

/// Adds FILE... and --changed [REF], which every notebooks subcommand takes.
void add_selection(CLI::App& command, NotebookOptions& options) {
  command.add_option("files", options.files, "Notebooks (.ipynb)")->check(CLI::ExistingFile);
  options.changed =
      command
          .add_option("--changed", options.changed_since,
                      "Instead of FILE...: the notebooks added or modified since REF (default "
                      "HEAD: staged and unstaged changes), untracked ones included")
          ->expected(0, 1)
          ->default_str("HEAD")
          ->type_name("[REF]");
  add_common_options(command, options.common);
}

std::vector<std::string> selected(const NotebookOptions& options) {
  const std::optional<std::string> since =
      options.changed->count() > 0 ? std::optional(options.changed_since) : std::nullopt;
  std::vector<std::string> notebooks = select_notebooks(options.files, since);
  if (notebooks.empty() && since) log_info("no changed notebooks", {{"since", *since}});
  return notebooks;
}

void run_strip(const NotebookOptions& options) {
  const CommandConfig config = load_command_config(options.common, ConfigScope::kConfig);
  const std::vector<std::string> keep = keep_metadata_in_force(config.tree, options.keep_metadata);
  const std::vector<NotebookStrip> strips =
      strip_notebooks(selected(options), keep, !options.check);
  if (options.format == "json") {
    fmt::print("{}\n", strips_to_json(strips).dump(2));
  } else {
    fmt::print("{}", summarize_strips(strips, options.check));
  }
  std::fflush(stdout);
  if (options.check) require_stripped(strips);
}

void run_export(const NotebookOptions& options) {
  // A bad --set or config file fails before any work.
  load_command_config(options.common, ConfigScope::kConfig);
  NotebookHtmlOptions html;
  html.sandbox_html = options.sandbox_html;
  for (const auto& page :
       export_notebooks(selected(options), options.out_dir, options.execute, html)) {
    fmt::print("{}\n", page);
  }
}

}  // namespace

void setup_notebooks(CLI::App& notebooks) {
  notebooks.require_subcommand(1);

  auto strip_options = std::make_shared<NotebookOptions>();
  CLI::App* strip = notebooks.add_subcommand(
      "strip",
      "Remove outputs, execution counts and metadata outside the allow-list, in place; every "
      "other byte is kept");
  add_selection(*strip, *strip_options);
  strip->add_flag("--check", strip_options->check,
                  "Change nothing; list the notebooks strip would change and exit 1 if any");
  strip
      ->add_option("--keep-metadata", strip_options->keep_metadata,
                   "Also keep this metadata: metadata.KEY or cell.metadata.KEY (repeatable, or "
                   "comma-separated)")
      ->allow_extra_args(false)
      ->type_name("PATH");
  strip->add_option("--format", strip_options->format, "Output: text or json")
      ->check(CLI::IsMember({"text", "json"}));
  strip->callback([strip_options] { run_strip(*strip_options); });

  auto export_options = std::make_shared<NotebookOptions>();
  CLI::App* exporter = notebooks.add_subcommand(
      "export", "Render notebooks to self-contained HTML pages: <DIR>/<name>.html");
  add_selection(*exporter, *export_options);
  exporter->add_option("--out,-o", export_options->out_dir, "Directory for the pages")
      ->required()
      ->type_name("DIR");
  exporter->add_flag("--execute", export_options->execute,
                     "Run each notebook first (jupyter nbconvert --execute; needs Jupyter)");
  exporter->add_flag("--sandbox-html", export_options->sandbox_html,
                     "Show text/html outputs in sandboxed iframes instead of the page itself");
  exporter->callback([export_options] { run_export(*export_options); });
}

}  // namespace mlops::cli

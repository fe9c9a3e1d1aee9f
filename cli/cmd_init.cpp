// `mlops init DIR [--name NAME] [--force]` scaffolds a new project; the work is in
// lib/mlops/scaffold/scaffold.h.

#include <fmt/format.h>

#include "commands.h"
#include "mlops/scaffold/scaffold.h"

namespace mlops::cli {

void setup_init(CLI::App& init) {
  auto options = std::make_shared<ScaffoldOptions>();
  init.add_option("dir", options->dir, "Directory to create (or an empty one)")->required();
  init.add_option("--name", options->name,
                  "Project name, also the workflow's (default: DIR's last component)");
  init.add_flag("--force", options->force,
                "Write into a non-empty DIR; existing files are kept and listed as skipped");
  init.callback([options] {
    ScaffoldResult result = scaffold_project(*options);
    for (const auto& path : result.written) fmt::print("  create  {}\n", path);
    for (const auto& path : result.skipped) fmt::print("  skip    {} (exists)\n", path);
    fmt::print("project {} in {}: {} written, {} skipped\nnext: cd {} && mlops run --env local\n",
               result.name, options->dir, result.written.size(), result.skipped.size(),
               options->dir);
  });
}

}  // namespace mlops::cli

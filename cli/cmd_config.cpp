#include <fmt/format.h>

#include "commands.h"
#include "front_door.h"
#include "mlops/config/schema.h"
#include "mlops/pipeline/workflow_check.h"
#include "options.h"

namespace mlops::cli {

void setup_config(CLI::App& config) {
  config.require_subcommand(1);

  auto options = std::make_shared<CommonOptions>();
  auto explain = std::make_shared<bool>(false);
  CLI::App* show = config.add_subcommand(
      "show", "Print the effective config (secrets masked) for an environment and workflow");
  add_common_options(*show, *options);
  show->add_flag("--explain", *explain, "Show where each value was set (file:line, env, --set)");
  show->callback([options, explain] {
    const CommandConfig loaded = load_command_config(*options, ConfigScope::kConfig);
    fmt::print("{}", to_yaml(loaded.tree, true, *explain));
  });

  CLI::App* keys =
      config.add_subcommand("keys", "List every config key with type, default and help");
  keys->callback([] { fmt::print("{}", config_reference_markdown()); });
}

}  // namespace mlops::cli

#pragma once
// The table of subcommands (as ninja's kTools): name, the function that binds its flags, and
// the one line `mlops --help` shows for it.

#include <CLI/CLI.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace mlops::cli {

/// One row of the table.
struct Subcommand {
  const char* name;
  void (*setup)(CLI::App& command);
  const char* help;
};

/// Every subcommand, in the order `mlops --help` lists them.
std::span<const Subcommand> subcommands();

/// Adds every subcommand of the table to `app`, each bound by its setup function.
void add_subcommands(CLI::App& app);

/// app_main.h usage_error_message over the names of this table.
std::string usage_error_message(std::optional<std::string_view> first_arg,
                                const std::string& message);

}  // namespace mlops::cli

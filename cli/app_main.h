#pragma once
// What both programs' main() do with a built CLI::App: parse the command line, run the chosen
// subcommand, and turn every error into the documented exit code (README "Exit codes"). It is
// the only place that catches mlops::Error; `mlops` (main.cpp) and `mlops-serve`
// (serve_main.cpp) share it, so `mlops serve` fails alike in either.

#include <CLI/CLI.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace mlops::cli {

/// Parses `argv` with `app` (whose callbacks do the work) and returns the exit code: 0, or
/// the code of the error that stopped it, after printing it (text, or a JSON log line with
/// --log-format json).
int run_app(CLI::App& app, int argc, char** argv);

/// The arguments run_app was given, after the program name (`serve --port 0 ...`): a command
/// that hands its work to another program passes them on unchanged.
std::span<char* const> command_line_arguments();

/// The usage message for a command line CLI11 rejected: "unknown command 'X' (did you mean
/// 'Y'?)" when the first argument is neither a flag nor one of `names`, else CLI11's
/// `message`. `first_arg` is absent when the command line has no argument.
std::string usage_error_message(std::optional<std::string_view> first_arg,
                                const std::string& message, std::span<const std::string> names);

}  // namespace mlops::cli

// The `mlops` executable: builds the CLI, dispatches to a subcommand, and is the only place
// that turns errors into the documented exit codes (README "Exit codes").

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <exception>
#include <optional>
#include <string_view>

#include "mlops/core/error.h"
#include "mlops/core/log.h"
#include "mlops/core/secret_mask.h"
#include "mlops/core/version.h"
#include "subcommands.h"

namespace {

int report_error(const char* kind, const std::string& message, int code) {
  if (mlops::log_format() == mlops::LogFormat::kJson) {
    mlops::log_error(message, {{"kind", kind}, {"exit_code", code}});
  } else {
    fmt::print(stderr, "mlops: {} error: {}\n", kind, mlops::mask_secrets(message));
  }
  return code;
}

const char* kind_of(mlops::ExitCode code) {
  switch (code) {
    case mlops::ExitCode::kUsage: return "config";
    case mlops::ExitCode::kContract: return "contract";
    case mlops::ExitCode::kBadData: return "data";
    case mlops::ExitCode::kIo: return "io";
    default: return "internal";
  }
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "mlops: a native MLOps toolkit. ingest -> featurize -> validate -> train -> "
      "batch-predict -> export-report, each checked by data contracts.",
      "mlops"};
  app.set_version_flag("--version", fmt::format("mlops {}", mlops::kVersion));
  app.require_subcommand(1);
  app.footer(
      "Exit codes: 0 ok, 1 internal error (or a --check that found changes to make), 2 usage or "
      "config error, 3 contract violation, "
      "4 bad data, 5 I/O or network failure.");
  mlops::cli::add_subcommands(app);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    const std::string message = mlops::cli::usage_error_message(
        argc > 1 ? std::optional<std::string_view>(argv[1]) : std::nullopt, e.what());
    fmt::print(stderr, "mlops: usage error: {}\nRun with --help for usage.\n", message);
    return static_cast<int>(mlops::ExitCode::kUsage);
  } catch (const mlops::CheckFailed& e) {
    // A check's verdict, not a failure: no "error" label (README "Exit codes").
    const int code = static_cast<int>(e.exit_code());
    if (mlops::log_format() == mlops::LogFormat::kJson) {
      mlops::log_warn(e.what(), {{"kind", "check"}, {"exit_code", code}});
    } else {
      fmt::print(stderr, "mlops: {}\n", e.what());
    }
    return code;
  } catch (const mlops::Error& e) {
    int code = static_cast<int>(e.exit_code());
    return report_error(kind_of(e.exit_code()), e.what(), code);
  } catch (const std::exception& e) {
    return report_error("internal", e.what(), static_cast<int>(mlops::ExitCode::kInternal));
  }
  return 0;
}

#include "app_main.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <exception>
#include <vector>

#include "mlops/core/error.h"
#include "mlops/core/log.h"
#include "mlops/core/secret_mask.h"
#include "mlops/core/suggest.h"

namespace mlops::cli {

namespace {

std::span<char* const> recorded_arguments;

int report_error(const char* kind, const std::string& message, int code) {
  if (log_format() == LogFormat::kJson) {
    log_error(message, {{"kind", kind}, {"exit_code", code}});
  } else {
    fmt::print(stderr, "mlops: {} error: {}\n", kind, mask_secrets(message));
  }
  return code;
}

const char* kind_of(ExitCode code) {
  switch (code) {
    case ExitCode::kUsage: return "config";
    case ExitCode::kContract: return "contract";
    case ExitCode::kBadData: return "data";
    case ExitCode::kIo: return "io";
    default: return "internal";
  }
}

std::vector<std::string> subcommand_names(const CLI::App& app) {
  std::vector<std::string> names;
  for (const CLI::App* sub : app.get_subcommands({})) names.push_back(sub->get_name());
  return names;
}

}  // namespace

std::span<char* const> command_line_arguments() {
  return recorded_arguments;
}

std::string usage_error_message(std::optional<std::string_view> first_arg,
                                const std::string& message, std::span<const std::string> names) {
  if (!first_arg || first_arg->starts_with('-') ||
      std::find(names.begin(), names.end(), *first_arg) != names.end()) {
    return message;
  }
  return fmt::format(
      "unknown command '{}'{}", *first_arg,
      did_you_mean(*first_arg, std::vector<std::string>(names.begin(), names.end())));
}

int run_app(CLI::App& app, int argc, char** argv) {
  recorded_arguments = std::span<char* const>(argv + 1, argc > 0 ? argc - 1 : 0);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    const std::string message =
        usage_error_message(argc > 1 ? std::optional<std::string_view>(argv[1]) : std::nullopt,
                            e.what(), subcommand_names(app));
    fmt::print(stderr, "mlops: usage error: {}\nRun with --help for usage.\n", message);
    return static_cast<int>(ExitCode::kUsage);
  } catch (const CheckFailed& e) {
    // A check's verdict, not a failure: no "error" label (README "Exit codes").
    const int code = static_cast<int>(e.exit_code());
    if (log_format() == LogFormat::kJson) {
      log_warn(e.what(), {{"kind", "check"}, {"exit_code", code}});
    } else {
      fmt::print(stderr, "mlops: {}\n", e.what());
    }
    return code;
  } catch (const Error& e) {
    return report_error(kind_of(e.exit_code()), e.what(), static_cast<int>(e.exit_code()));
  } catch (const std::exception& e) {
    return report_error("internal", e.what(), static_cast<int>(ExitCode::kInternal));
  }
  return 0;
}

}  // namespace mlops::cli

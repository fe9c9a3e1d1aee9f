// The `mlops` executable: builds the CLI, dispatches to a subcommand, and is the only place
// that turns errors into the documented exit codes (README "Exit codes").

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <exception>

#include "commands.h"
#include "mlops/core/error.h"
#include "mlops/core/log.h"
#include "mlops/core/suggest.h"
#include "mlops/core/version.h"

namespace {

int report_error(const char* kind, const std::string& message, int code) {
  if (mlops::log_format() == mlops::LogFormat::kJson) {
    mlops::log_error(message, {{"kind", kind}, {"exit_code", code}});
  } else {
    fmt::print(stderr, "mlops: {} error: {}\n", kind, message);
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
  mlops::cli::setup_ingest(app);
  mlops::cli::setup_featurize(app);
  mlops::cli::setup_validate(app);
  mlops::cli::setup_train(app);
  mlops::cli::setup_batch_predict(app);
  mlops::cli::setup_export_report(app);
  mlops::cli::setup_run(app);
  mlops::cli::setup_config(app);
  mlops::cli::setup_contract(app);
  mlops::cli::setup_models(app);
  mlops::cli::setup_evaluate(app);
  mlops::cli::setup_init(app);
  mlops::cli::setup_notebooks(app);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::string message = e.what();
    std::vector<std::string> names;
    for (const auto* sub : app.get_subcommands({})) names.push_back(sub->get_name());
    if (argc > 1 && argv[1][0] != '-' &&
        std::find(names.begin(), names.end(), argv[1]) == names.end()) {
      message = fmt::format("unknown command '{}'{}", argv[1], mlops::did_you_mean(argv[1], names));
    }
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

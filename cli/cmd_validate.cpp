#include <fmt/format.h>

#include <cstdio>
#include <nlohmann/json.hpp>

#include "commands.h"
#include "mlops/contracts/validate_files.h"
#include "mlops/core/error.h"
#include "stage_command.h"

namespace mlops::cli {

namespace {

struct FileOptions {
  std::string contract;
  std::vector<std::string> files;
  std::string format = "text";
};

/// `mlops validate --contract FILE DATA...`: exit 0 when every file passes, 3 otherwise.
void validate_files_command(const FileOptions& options) {
  std::vector<ContractReport> reports = validate_files(options.contract, options.files);
  bool passed = true;
  for (const auto& report : reports) passed = passed && report.passed();
  if (options.format == "json") {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& report : reports) out.push_back(report.to_json());
    fmt::print("{}\n", out.dump(2));
  } else {
    fmt::print("{}", summarize(reports));
  }
  std::fflush(stdout);
  if (!passed) throw ContractError("validate: {} failed its contract", options.contract);
}

}  // namespace

void setup_validate(CLI::App& command) {
  auto options = std::make_shared<FileOptions>();
  bind_stage_command(command, Stage::kValidate, [options] {
    if (options->contract.empty() && !options->files.empty()) {
      // Checking a run instead would pass whatever the file holds (a pre-commit hook that
      // never fails): a file is only ever checked against the contract it is given.
      throw ConfigError(
          "validate: {} needs --contract FILE (the contract to check it against); without "
          "data files, `mlops validate` checks the features of the workflow's latest run",
          options->files.front());
    }
    if (options->contract.empty()) return false;
    validate_files_command(*options);
    return true;
  });
  command.add_option("--contract", options->contract, "Contract YAML to check DATA files against")
      ->check(CLI::ExistingFile);
  command.add_option("data", options->files, "Data files (CSV, TSV, JSON, JSON Lines)");
  command.add_option("--format", options->format, "Output with --contract: text or json")
      ->check(CLI::IsMember({"text", "json"}));
}

}  // namespace mlops::cli

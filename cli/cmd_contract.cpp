// `mlops contract infer DATA` drafts a contract from data; `mlops contract profile DATA` prints
// a profile to use as a drift reference. The work is in lib/mlops/pipeline/validate_files.h.

#include <fmt/format.h>

#include "commands.h"
#include "mlops/contracts/validate_files.h"

namespace mlops::cli {

void setup_contract(CLI::App& contract) {
  contract.require_subcommand(1);

  struct InferOptions {
    std::string data;
    size_t max_categories = 20;
  };
  auto infer_options = std::make_shared<InferOptions>();
  CLI::App* infer = contract.add_subcommand(
      "infer", "Print a draft contract for DATA (types, null rates, ranges, small category sets)");
  infer->add_option("data", infer_options->data, "Data file (CSV, TSV, JSON, JSON Lines)")
      ->required()
      ->check(CLI::ExistingFile);
  infer
      ->add_option("--max-categories", infer_options->max_categories,
                   "String columns with at most this many distinct values get `values`")
      ->capture_default_str();
  infer->callback([infer_options] {
    fmt::print("{}", infer_contract_for_file(infer_options->data, infer_options->max_categories));
  });

  auto profile_data = std::make_shared<std::string>();
  CLI::App* profile = contract.add_subcommand(
      "profile", "Print the profile of DATA as JSON: a drift reference (`drift.reference`)");
  profile->add_option("data", *profile_data, "Data file (CSV, TSV, JSON, JSON Lines)")
      ->required()
      ->check(CLI::ExistingFile);
  profile->callback([profile_data] { fmt::print("{}", profile_file(*profile_data)); });
}

}  // namespace mlops::cli

#include "subcommands.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace mlops::cli {
namespace {

std::vector<std::string> names_in(const CLI::App& app) {
  std::vector<std::string> names;
  for (const CLI::App* sub : app.get_subcommands({})) names.push_back(sub->get_name());
  return names;
}

TEST(Subcommands, TableListsEveryCommandInHelpOrder) {
  std::vector<std::string> names;
  for (const Subcommand& subcommand : subcommands()) names.emplace_back(subcommand.name);
  EXPECT_EQ(names, (std::vector<std::string>{
                       "ingest", "featurize", "validate", "train", "tracker", "batch-predict",
                       "export-report", "run", "status", "config", "contract", "models", "store",
                       "evaluate", "materialize", "serve", "init", "notebooks", "features"}));
}

TEST(Subcommands, AppGetsEveryRowWithItsHelpLine) {
  CLI::App app{"test", "mlops"};
  add_subcommands(app);
  std::vector<std::string> expected;
  for (const Subcommand& subcommand : subcommands()) {
    expected.emplace_back(subcommand.name);
    const CLI::App* command = app.get_subcommand(subcommand.name);
    EXPECT_EQ(command->get_description(), subcommand.help) << subcommand.name;
    EXPECT_FALSE(std::string(subcommand.help).empty()) << subcommand.name;
  }
  EXPECT_EQ(names_in(app), expected);
}

TEST(Subcommands, UnknownCommandSuggestsTheClosestName) {
  EXPECT_EQ(usage_error_message("trian", "The following arguments were not expected: trian"),
            "unknown command 'trian' (did you mean 'train'?)");
  EXPECT_EQ(usage_error_message("export-reprot", "x"),
            "unknown command 'export-reprot' (did you mean 'export-report'?)");
}

TEST(Subcommands, UnknownCommandFarFromEveryNameGetsNoSuggestion) {
  EXPECT_EQ(usage_error_message("zzzzzzzz", "x"), "unknown command 'zzzzzzzz'");
}

TEST(Subcommands, KnownCommandOrFlagKeepsTheParserMessage) {
  EXPECT_EQ(usage_error_message("train", "--bogus: not expected"), "--bogus: not expected");
  EXPECT_EQ(usage_error_message("--bogus", "--bogus: not expected"), "--bogus: not expected");
  EXPECT_EQ(usage_error_message(std::nullopt, "A subcommand is required"),
            "A subcommand is required");
}

TEST(Subcommands, ParsingAnUnknownCommandIsAUsageError) {
  CLI::App app{"test", "mlops"};
  app.require_subcommand(1);
  add_subcommands(app);
  std::vector<std::string> args{"trian"};  // CLI11 takes the arguments reversed
  EXPECT_THROW(app.parse(args), CLI::ParseError);
}

}  // namespace
}  // namespace mlops::cli

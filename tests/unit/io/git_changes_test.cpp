#include "mlops/io/git_changes.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "mlops/core/error.h"
#include "mlops/io/process.h"
#include "support/optional_tool.h"
#include "support/temp_dir.h"

namespace mlops {
namespace {

using testing::TempDir;

/// Runs the test body in `dir`, as `mlops` runs in the user's directory.
class InDirectory {
 public:
  explicit InDirectory(const std::filesystem::path& dir)
      : previous_(std::filesystem::current_path()) {
    std::filesystem::current_path(dir);
  }
  ~InDirectory() { std::filesystem::current_path(previous_); }

 private:
  std::filesystem::path previous_;
};

void git(const TempDir& repo, std::vector<std::string> args) {
  std::vector<std::string> argv{"git",
                                "-C",
                                repo.path().string(),
                                "-c",
                                "user.name=test",
                                "-c",
                                "user.email=test@example.org",
                                "-c",
                                "commit.gpgsign=false"};
  argv.insert(argv.end(), args.begin(), args.end());
  const ProcessResult result = run_process(argv);
  ASSERT_EQ(result.exit_code, 0) << result.err;
}

std::string config_error(const std::string& ref) {
  try {
    git_changed_files(ref);
  } catch (const ConfigError& error) {
    return error.what();
  }
  return "no ConfigError";
}

class GitChanges : public ::testing::Test {
 protected:
  void SetUp() override {
    MLOPS_REQUIRE_TOOL(find_program("git"), "git");
    git(repo_, {"init", "-q"});
    repo_.write(".gitignore", "ignored.ipynb\n");
    repo_.write("kept.ipynb", "{}");
    repo_.write("edited.ipynb", "{}");
    repo_.write("removed.ipynb", "{}");
    repo_.write("sub/renamed.ipynb", "{\"cells\": []}");
    git(repo_, {"add", "."});
    git(repo_, {"commit", "-q", "-m", "first"});
  }

  TempDir repo_;
};

TEST_F(GitChanges, AddedModifiedStagedAndUntrackedFilesSinceHead) {
  repo_.write("edited.ipynb", "{\"cells\": []}");  // unstaged change
  repo_.write("staged.ipynb", "{}");               // new, staged
  git(repo_, {"add", "staged.ipynb"});
  repo_.write("untracked.ipynb", "{}");                        // new, untracked
  repo_.write("ignored.ipynb", "{}");                          // ignored
  std::filesystem::remove(repo_.path() / "removed.ipynb");     // deleted
  git(repo_, {"mv", "sub/renamed.ipynb", "sub/moved.ipynb"});  // renamed

  InDirectory in(repo_.path() / "sub");
  EXPECT_EQ(git_changed_files("HEAD"),
            (std::vector<std::string>{"../edited.ipynb", "../staged.ipynb", "../untracked.ipynb",
                                      "moved.ipynb"}));
}

TEST_F(GitChanges, SinceAnOlderCommitIncludesCommittedChanges) {
  repo_.write("later.ipynb", "{}");
  git(repo_, {"add", "later.ipynb"});
  git(repo_, {"commit", "-q", "-m", "second"});
  InDirectory in(repo_.path());
  EXPECT_EQ(git_changed_files("HEAD"), std::vector<std::string>{});
  EXPECT_EQ(git_changed_files("HEAD~1"), std::vector<std::string>{"later.ipynb"});
}

TEST_F(GitChanges, UnknownRefsAndOptionLookalikesAreRefused) {
  InDirectory in(repo_.path());
  EXPECT_EQ(config_error("no-such-branch"), "--changed: 'no-such-branch' is not a commit in " +
                                                std::filesystem::canonical(repo_.path()).string());
  EXPECT_NE(config_error("--output=/tmp/x").find("is not a commit"), std::string::npos);
}

TEST(GitChangesOutsideARepository, NamesTheProblem) {
  MLOPS_REQUIRE_TOOL(find_program("git"), "git");
  TempDir dir;
  InDirectory in(dir.path());
  EXPECT_NE(
      config_error("HEAD").find("--changed needs a git work tree: fatal: not a git repository"),
      std::string::npos)
      << config_error("HEAD");
}

}  // namespace
}  // namespace mlops

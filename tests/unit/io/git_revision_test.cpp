#include "mlops/io/git_revision.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>

#include "support/optional_tool.h"
#include "support/temp_dir.h"

namespace mlops {
namespace {

bool have_git() {
  return std::system("git --version >/dev/null 2>&1") == 0;
}

TEST(GitRevision, CommitOfARepository) {
  MLOPS_REQUIRE_TOOL(have_git(), "git");
  testing::TempDir dir;
  const std::string repo = dir.file("repo");
  const std::string setup = "git init -q '" + repo + "' && cd '" + repo +
                            "' && echo a > f && git add f && git -c user.name=t -c "
                            "user.email=t@t commit -qm one";
  ASSERT_EQ(std::system(setup.c_str()), 0);
  GitRevision revision = git_revision(repo);
  EXPECT_EQ(revision.commit.size(), 40u) << revision.reason;
  EXPECT_TRUE(std::all_of(revision.commit.begin(), revision.commit.end(),
                          [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); }));
  EXPECT_EQ(revision.dirty, false);
  dir.write("repo/f", "changed\n");
  EXPECT_EQ(git_revision(repo).dirty, true);
}

TEST(GitRevision, DirectoryOutsideARepositoryGivesTheReason) {
  MLOPS_REQUIRE_TOOL(have_git(), "git");
  testing::TempDir dir;  // under /tmp, outside any repository
  GitRevision revision = git_revision(dir.path().string());
  EXPECT_EQ(revision.commit, "");
  EXPECT_EQ(revision.dirty, std::nullopt);
  EXPECT_EQ(revision.reason, fmt::format("'{}' is not in a git repository (or it has no commit)",
                                         dir.path().string()));
}

}  // namespace
}  // namespace mlops

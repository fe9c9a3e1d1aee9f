// `mlops notebooks strip` and `mlops notebooks export` on a notebook Jupyter really executed
// (tests/fixtures/notebooks/outputs.ipynb: stream, PNG, SVG, HTML and error outputs).

#include <gtest/gtest.h>

#include "cli_runner.h"
#include "mlops/io/process.h"
#include "support/optional_tool.h"

namespace mlops::testing {
namespace {

namespace fs = std::filesystem;

const std::string kFixtures = MLOPS_SOURCE_DIR "/tests/fixtures/notebooks/";

bool contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

class Notebooks : public ::testing::Test {
 protected:
  /// A copy of a fixture in the test's directory.
  std::string copy(const std::string& fixture, const std::string& name) {
    return dir_.write(name, slurp(kFixtures + fixture));
  }
  TempDir dir_;
};

TEST_F(Notebooks, StripWritesTheExpectedBytesAndASecondStripChangesNothing) {
  const std::string notebook = copy("outputs.ipynb", "analysis.ipynb");
  CliResult first = run_mlops("notebooks strip " + notebook, dir_);
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_EQ(first.out, notebook + ": stripped (7 outputs, 5 execution counts, 11 metadata keys)\n");
  EXPECT_EQ(slurp(notebook), slurp(kFixtures + "outputs.stripped.ipynb"));

  const auto stripped_at = fs::last_write_time(notebook) - std::chrono::hours(1);
  fs::last_write_time(notebook, stripped_at);
  CliResult second = run_mlops("notebooks strip " + notebook, dir_);
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_EQ(second.out, notebook + ": clean\n");
  EXPECT_EQ(slurp(notebook), slurp(kFixtures + "outputs.stripped.ipynb"));
  EXPECT_EQ(fs::last_write_time(notebook), stripped_at);  // a clean file is not rewritten
}

TEST_F(Notebooks, CheckExitsOneForNotebooksToStripAndChangesNothing) {
  const std::string dirty = copy("outputs.ipynb", "dirty.ipynb");
  const std::string clean = copy("outputs.stripped.ipynb", "clean.ipynb");
  CliResult check = run_mlops("notebooks strip --check " + dirty + " " + clean, dir_);
  EXPECT_EQ(check.exit_code, 1);
  EXPECT_EQ(check.out, dirty +
                           ": would be stripped (7 outputs, 5 execution counts, 11 metadata "
                           "keys)\n" +
                           clean + ": clean\n");
  EXPECT_EQ(check.err,
            "mlops: 1 of 2 notebooks would be stripped: run `mlops notebooks strip` on them\n");
  EXPECT_EQ(slurp(dirty), slurp(kFixtures + "outputs.ipynb"));

  CliResult json = run_mlops("notebooks strip --check --format json " + dirty, dir_);
  EXPECT_EQ(json.exit_code, 1);
  EXPECT_EQ(nlohmann::json::parse(json.out),
            nlohmann::json::parse(R"([{"path": ")" + dirty + R"(", "changed": true, "outputs": 7,
                                       "execution_counts": 5, "metadata_keys": 11}])"));

  CliResult passes = run_mlops("notebooks strip --check " + clean, dir_);
  EXPECT_EQ(passes.exit_code, 0) << passes.err;
  EXPECT_EQ(passes.err, "");
}

TEST_F(Notebooks, ExampleNotebookIsCommittedStripped) {
  CliResult check = run_mlops("notebooks strip --check notebooks/explore-penguins.ipynb", dir_);
  EXPECT_EQ(check.exit_code, 0) << check.out << check.err;
}

TEST_F(Notebooks, MetadataAllowListGrowsByFlagAndConfig) {
  const std::string notebook = copy("outputs.ipynb", "nb.ipynb");
  CliResult result = run_mlops("notebooks strip " + notebook +
                                   " --keep-metadata cell.metadata.execution,metadata.celltoolbar"
                                   " --set notebooks.keep_metadata=metadata.widgets",
                               dir_);
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.out, notebook + ": stripped (7 outputs, 5 execution counts, 4 metadata keys)\n");
  const nlohmann::json stripped = read_json(notebook);
  EXPECT_EQ(stripped["metadata"]["celltoolbar"], "Tags");
  EXPECT_TRUE(stripped["metadata"].contains("widgets"));
  EXPECT_TRUE(stripped["cells"][1]["metadata"].contains("execution"));
  EXPECT_FALSE(stripped["cells"][1]["metadata"].contains("scrolled"));

  CliResult bad = run_mlops("notebooks strip " + notebook + " --keep-metadata tags", dir_);
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_TRUE(contains(bad.err, "--keep-metadata: metadata path 'tags' must be metadata.KEY"))
      << bad.err;
  const std::string config = dir_.write("configs/base.yaml", "notebooks:\n  keep_metadata: [x]\n");
  dir_.write("configs/local.yaml", "");
  CliResult bad_config =
      run_mlops("notebooks strip " + notebook + " --config-dir " + dir_.file("configs"), dir_);
  EXPECT_EQ(bad_config.exit_code, 2);
  EXPECT_TRUE(contains(bad_config.err, config + ":2:3: key 'notebooks.keep_metadata': metadata "
                                                "path 'x' must be"))
      << bad_config.err;
}

TEST_F(Notebooks, InvalidJsonIsBadDataNamingLineAndColumn) {
  const std::string notebook = dir_.write("broken.ipynb", "{\n \"cells\": [\n  {,}\n ]\n}\n");
  for (const std::string& command : {std::string("strip"), "export --out " + dir_.file("html")}) {
    CliResult result = run_mlops("notebooks " + command + " " + notebook, dir_);
    EXPECT_EQ(result.exit_code, 4) << command;
    EXPECT_EQ(result.err, "mlops: data error: " + notebook +
                              ":3:4: invalid JSON: expected a member name in double quotes\n");
  }
}

TEST_F(Notebooks, ExportWritesOneSelfContainedPagePerNotebook) {
  const std::string notebook = copy("outputs.ipynb", "report.ipynb");
  CliResult result = run_mlops("notebooks export " + notebook +
                                   " notebooks/explore-penguins.ipynb --out " + dir_.file("html"),
                               dir_);
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.out,
            dir_.file("html/report.html") + "\n" + dir_.file("html/explore-penguins.html") + "\n");
  const std::string page = slurp(dir_.file("html/report.html"));
  EXPECT_TRUE(contains(page, "<img class=\"output\" src=\"data:image/png;base64,iVBORw0KGgo"));
  EXPECT_TRUE(contains(page, "src=\"data:image/svg+xml;base64,"));
  EXPECT_TRUE(contains(page, "<pre class=\"output error\">"));
  EXPECT_FALSE(contains(page, "<script"));
  EXPECT_FALSE(contains(page, "http://cdn"));
  EXPECT_FALSE(contains(page, "src=\"http"));
  EXPECT_TRUE(contains(slurp(dir_.file("html/explore-penguins.html")),
                       "<h1 id=\"exploring-the-palmer-penguins\">"));
}

TEST_F(Notebooks, SelectionMistakesAreUsageErrors) {
  const std::string a = copy("outputs.ipynb", "a/x.ipynb");
  const std::string b = copy("outputs.ipynb", "b/x.ipynb");
  CliResult same_stem =
      run_mlops("notebooks export " + a + " " + b + " --out " + dir_.file("html"), dir_);
  EXPECT_EQ(same_stem.exit_code, 2);
  EXPECT_TRUE(contains(same_stem.err, "would both be exported to")) << same_stem.err;
  EXPECT_FALSE(fs::exists(dir_.file("html/x.html")));

  CliResult both = run_mlops("notebooks strip " + a + " --changed=HEAD", dir_);
  EXPECT_EQ(both.exit_code, 2);
  EXPECT_TRUE(contains(both.err, "give notebook files or --changed, not both")) << both.err;
  CliResult neither = run_mlops("notebooks strip", dir_);
  EXPECT_EQ(neither.exit_code, 2);
  EXPECT_TRUE(contains(neither.err, "no notebooks: give FILE... or --changed [REF]"));
  CliResult missing = run_mlops("notebooks strip " + dir_.file("none.ipynb"), dir_);
  EXPECT_EQ(missing.exit_code, 2);
}

TEST_F(Notebooks, ChangedPicksTheNotebooksGitReportsChanged) {
  MLOPS_REQUIRE_TOOL(find_program("git"), "git");
  const std::string repo = dir_.file("repo");
  copy("outputs.stripped.ipynb", "repo/clean.ipynb");
  copy("outputs.stripped.ipynb", "repo/edited.ipynb");
  const std::string git = "git -C " + repo + " -c user.name=t -c user.email=t@example.org ";
  ASSERT_EQ(
      std::system((git + "init -q && " + git + "add . && " + git + "commit -q -m init").c_str()),
      0);
  copy("outputs.ipynb", "repo/edited.ipynb");
  copy("outputs.ipynb", "repo/new.ipynb");
  dir_.write("repo/notes.txt", "not a notebook");
  const std::string in_repo = "cd '" + repo + "' &&";

  CliResult check = run_mlops("notebooks strip --check --changed", dir_, in_repo);
  EXPECT_EQ(check.exit_code, 1) << check.err;
  EXPECT_EQ(check.out,
            "edited.ipynb: would be stripped (7 outputs, 5 execution counts, 11 metadata keys)\n"
            "new.ipynb: would be stripped (7 outputs, 5 execution counts, 11 metadata keys)\n");
  CliResult strip = run_mlops("notebooks strip --changed HEAD", dir_, in_repo);
  EXPECT_EQ(strip.exit_code, 0) << strip.err;
  EXPECT_EQ(slurp(repo + "/new.ipynb"), slurp(kFixtures + "outputs.stripped.ipynb"));
  CliResult exported = run_mlops("notebooks export --changed --out html", dir_, in_repo);
  EXPECT_EQ(exported.exit_code, 0) << exported.err;
  EXPECT_EQ(exported.out, "html/new.html\n");  // edited.ipynb is back to its committed bytes

  CliResult outside =
      run_mlops("notebooks strip --changed", dir_, "cd '" + dir_.path().string() + "' &&");
  EXPECT_EQ(outside.exit_code, 2);
  EXPECT_TRUE(contains(outside.err, "--changed needs a git work tree")) << outside.err;
}

TEST_F(Notebooks, ExecuteWithoutJupyterSaysWhatToInstall) {
  const std::string notebook = copy("outputs.stripped.ipynb", "nb.ipynb");
  CliResult result =
      run_mlops("notebooks export " + notebook + " --execute --out " + dir_.file("html"), dir_,
                "PATH=" + dir_.file("empty-bin"));
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_TRUE(contains(result.err, "apt-get install jupyter-nbconvert python3-ipykernel"))
      << result.err;
  EXPECT_FALSE(fs::exists(dir_.file("html/nb.html")));
}

TEST_F(Notebooks, ExecuteRunsTheNotebookThroughJupyter) {
  MLOPS_REQUIRE_TOOL(find_program("jupyter") && find_program("jupyter-nbconvert"),
                     "Jupyter (Debian: jupyter-nbconvert python3-ipykernel)");
  const std::string ok = dir_.write("ok.ipynb", R"({"cells": [
    {"cell_type": "code", "execution_count": null, "metadata": {}, "outputs": [],
     "source": "open('input.txt').read() * 2"}],
   "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
   "nbformat": 4, "nbformat_minor": 5})");
  dir_.write("input.txt", "ab");  // read relative to the notebook's directory
  CliResult result =
      run_mlops("notebooks export " + ok + " --execute --out " + dir_.file("html"), dir_);
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const std::string page = slurp(dir_.file("html/ok.html"));
  EXPECT_TRUE(contains(page, "<pre class=\"output text\">&#39;abab&#39;</pre>")) << page;
  EXPECT_TRUE(contains(page, "<div class=\"prompt\">In [1]:</div>"));
  EXPECT_EQ(slurp(ok).find("abab"), std::string::npos);  // the source file is not modified

  const std::string failing =
      dir_.write("failing.ipynb", R"({"cells": [{"cell_type": "code", "execution_count": null,
      "metadata": {}, "outputs": [], "source": "1 / 0"}], "metadata": {}, "nbformat": 4,
      "nbformat_minor": 5})");
  CliResult failed =
      run_mlops("notebooks export " + failing + " --execute --out " + dir_.file("html"), dir_);
  EXPECT_EQ(failed.exit_code, 4);
  EXPECT_TRUE(contains(failed.err, failing + ": execution failed")) << failed.err;
  EXPECT_TRUE(contains(failed.err, "ZeroDivisionError")) << failed.err;
}

}  // namespace
}  // namespace mlops::testing

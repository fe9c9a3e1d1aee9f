#include "mlops/scaffold/scaffold.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "mlops/core/error.h"
#include "support/temp_dir.h"

namespace mlops {
namespace {

namespace fs = std::filesystem;

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::string config_error(const ScaffoldOptions& options, const std::vector<TemplateFile>& files) {
  try {
    scaffold_project(options, files);
  } catch (const ConfigError& error) {
    return error.what();
  }
  return "";
}

ScaffoldOptions options(const std::string& dir, const std::string& name = "", bool force = false) {
  return ScaffoldOptions{.dir = dir, .name = name, .force = force};
}

const std::vector<TemplateFile> kTemplates{
    {"README.md", "# {{name}}\n"},
    {"workflows/{{name}}.yaml", "name: {{name}}\n"},
    {"scripts/run", "#!/bin/sh\necho {{name}}\n"},
};

TEST(SubstituteName, ReplacesEveryPlaceholderAndNothingElse) {
  EXPECT_EQ(substitute_name("{{name}}/{{name}}.yaml", "demo"), "demo/demo.yaml");
  EXPECT_EQ(substitute_name("key: ${{ secrets.TOKEN }} {{ name }} {{names}}", "demo"),
            "key: ${{ secrets.TOKEN }} {{ name }} {{names}}");
  EXPECT_EQ(substitute_name("", "demo"), "");
  EXPECT_EQ(substitute_name("{{name", "demo"), "{{name");
}

TEST(CheckProjectName, AcceptsSafeNamesOnly) {
  for (const char* name : {"demo", "demo-proj", "Churn_2024", "a.b", "7"}) {
    EXPECT_NO_THROW(check_project_name(name)) << name;
  }
  for (const std::string& name : std::vector<std::string>{
           "", "-demo", ".hidden", "a b", "../x", "a/b", "{{name}}", std::string(65, 'a')}) {
    EXPECT_THROW(check_project_name(name), ConfigError) << name;
  }
  EXPECT_EQ(config_error(options("unused", "a b"), kTemplates),
            "init: project name 'a b' is not valid: use 1 to 64 letters, digits, '-', '_' or '.', "
            "starting with a letter or digit (choose one with --name NAME)");
}

TEST(DefaultProjectName, IsTheLastPathComponent) {
  EXPECT_EQ(default_project_name("/srv/projects/churn"), "churn");
  EXPECT_EQ(default_project_name("projects/churn/"), "churn");
  EXPECT_EQ(default_project_name("."), fs::current_path().filename().string());
}

TEST(Scaffold, WritesEveryFileWithTheNameAndMakesScriptsExecutable) {
  testing::TempDir dir;
  const fs::path root = dir.path() / "new";
  ScaffoldResult result = scaffold_project(options(root.string(), "demo"), kTemplates);
  EXPECT_EQ(result.name, "demo");
  EXPECT_EQ(result.written,
            (std::vector<std::string>{"README.md", "workflows/demo.yaml", "scripts/run"}));
  EXPECT_TRUE(result.skipped.empty());
  EXPECT_EQ(slurp(root / "README.md"), "# demo\n");
  EXPECT_EQ(slurp(root / "workflows" / "demo.yaml"), "name: demo\n");
  auto executable = fs::perms::owner_exec | fs::perms::group_exec | fs::perms::others_exec;
  EXPECT_EQ(fs::status(root / "scripts" / "run").permissions() & executable, executable);
  EXPECT_EQ(fs::status(root / "README.md").permissions() & executable, fs::perms::none);
}

TEST(Scaffold, AnEmptyExistingDirectoryIsFine) {
  testing::TempDir dir;
  ScaffoldResult result = scaffold_project(options(dir.path().string()), kTemplates);
  EXPECT_EQ(result.name, dir.path().filename().string());
  EXPECT_EQ(result.written.size(), 3u);
}

TEST(Scaffold, RefusesANonEmptyDirectoryWithoutForceAndWritesNothing) {
  testing::TempDir dir;
  dir.write("proj/data.csv", "a\n1\n");
  dir.write("proj/notes.txt", "mine\n");
  const std::string root = dir.file("proj");
  EXPECT_EQ(config_error(options(root), kTemplates),
            "init: '" + root +
                "' is not empty (2 entries); pass --force to add the project files next to "
                "them (existing files are never overwritten)");
  EXPECT_FALSE(fs::exists(dir.path() / "proj" / "README.md"));
}

TEST(Scaffold, RefusesAFile) {
  testing::TempDir dir;
  const std::string file = dir.write("taken", "x");
  EXPECT_EQ(config_error(options(file), kTemplates),
            "init: '" + file + "' exists and is not a directory");
}

TEST(Scaffold, ForceKeepsEveryExistingFileAndListsIt) {
  testing::TempDir dir;
  dir.write("proj/README.md", "# my own\n");
  const fs::path root = dir.path() / "proj";
  ScaffoldResult result = scaffold_project(options(root.string(), "demo", true), kTemplates);
  EXPECT_EQ(result.skipped, std::vector<std::string>{"README.md"});
  EXPECT_EQ(result.written, (std::vector<std::string>{"workflows/demo.yaml", "scripts/run"}));
  EXPECT_EQ(slurp(root / "README.md"), "# my own\n");

  // Again: everything exists now, nothing is rewritten.
  ScaffoldResult again = scaffold_project(options(root.string(), "demo", true), kTemplates);
  EXPECT_TRUE(again.written.empty());
  EXPECT_EQ(again.skipped.size(), 3u);
}

// The embedded copy is exactly templates/project/: every file, hidden ones included, byte
// for byte (a stale or partial embedding fails here).
TEST(ProjectTemplates, AreTheFilesOfTemplatesProject) {
  const fs::path source = fs::path(MLOPS_SOURCE_DIR) / "templates" / "project";
  std::map<std::string, std::string> on_disk;
  for (const auto& entry : fs::recursive_directory_iterator(source)) {
    if (entry.is_regular_file()) {
      on_disk[fs::relative(entry.path(), source).string()] = slurp(entry.path());
    }
  }
  std::map<std::string, std::string> embedded;
  for (const TemplateFile& file : project_templates()) {
    embedded[std::string(file.path)] = std::string(file.contents);
  }
  EXPECT_EQ(embedded, on_disk);
  EXPECT_TRUE(embedded.contains(".github/workflows/scheduled.yml"));
  EXPECT_TRUE(embedded.contains(".gitignore"));
}

TEST(ProjectTemplates, RenderWithNoPlaceholderLeftAndAStrippedNotebook) {
  testing::TempDir dir;
  const fs::path root = dir.path() / "proj";
  ScaffoldResult result = scaffold_project(options(root.string(), "demo-proj"));
  EXPECT_EQ(result.written.size(), project_templates().size());
  for (const auto& path : result.written) {
    EXPECT_EQ(slurp(root / path).find("{{name}}"), std::string::npos) << path;
  }
  EXPECT_TRUE(fs::exists(root / "workflows" / "demo-proj.yaml"));

  nlohmann::json notebook = nlohmann::json::parse(slurp(root / "notebooks" / "explore.ipynb"));
  EXPECT_EQ(notebook["nbformat"], 4);
  size_t code_cells = 0;
  for (const auto& cell : notebook["cells"]) {
    if (cell["cell_type"] != "code") continue;
    ++code_cells;
    EXPECT_TRUE(cell["outputs"].empty());
    EXPECT_TRUE(cell["execution_count"].is_null());
  }
  EXPECT_GT(code_cells, 0u);
}

}  // namespace
}  // namespace mlops

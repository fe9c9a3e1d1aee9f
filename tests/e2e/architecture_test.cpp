// docs/architecture.md's dependency table is lib/CMakeLists.txt's, and every include in lib/
// respects it: a component includes only its own headers and those of what it depends on.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>

namespace {

namespace fs = std::filesystem;
using DependencyMap = std::map<std::string, std::set<std::string>>;

std::string read_text(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

/// component -> the components named in its mlops_component(... DEPS ...) call.
DependencyMap cmake_dependencies() {
  const std::string text = read_text(fs::path(MLOPS_SOURCE_DIR) / "lib" / "CMakeLists.txt");
  const std::regex call(R"(mlops_component\((\w+)\s+DEPS([^)]*)\))");
  DependencyMap deps;
  for (std::sregex_iterator it(text.begin(), text.end(), call), end; it != end; ++it) {
    deps[(*it)[1]];
  }
  const std::regex dep(R"(\bmlops_(\w+)\b)");
  for (std::sregex_iterator it(text.begin(), text.end(), call), end; it != end; ++it) {
    const std::string list = (*it)[2];
    for (std::sregex_iterator d(list.begin(), list.end(), dep), dend; d != dend; ++d) {
      if (deps.count((*d)[1])) deps[(*it)[1]].insert((*d)[1]);
    }
  }
  return deps;
}

/// The rows of the "Dependencies between components" table in docs/architecture.md.
DependencyMap documented_dependencies() {
  const std::string text = read_text(fs::path(MLOPS_SOURCE_DIR) / "docs" / "architecture.md");
  const size_t start = text.find("## Dependencies between components");
  EXPECT_NE(start, std::string::npos) << "docs/architecture.md has no dependency table";
  const size_t end = text.find("\n## ", start + 1);
  const std::string section = text.substr(start, end - start);
  const std::regex row(R"(\n\| `(\w+)` \| ([^|\n]*) \|)");
  const std::regex name(R"(\w+)");
  DependencyMap deps;
  for (std::sregex_iterator it(section.begin(), section.end(), row), rend; it != rend; ++it) {
    std::set<std::string>& of = deps[(*it)[1]];
    const std::string list = (*it)[2];
    if (list.find("(none)") != std::string::npos) continue;
    for (std::sregex_iterator n(list.begin(), list.end(), name), nend; n != nend; ++n) {
      of.insert(n->str());
    }
  }
  return deps;
}

std::set<std::string> reachable(const DependencyMap& deps, const std::string& from) {
  std::set<std::string> seen{from};
  std::vector<std::string> todo{from};
  while (!todo.empty()) {
    const std::string next = todo.back();
    todo.pop_back();
    auto it = deps.find(next);
    if (it == deps.end()) continue;
    for (const auto& dep : it->second) {
      if (seen.insert(dep).second) todo.push_back(dep);
    }
  }
  return seen;
}

TEST(Architecture, DocumentedDependenciesAreTheBuildsDependencies) {
  const DependencyMap built = cmake_dependencies();
  ASSERT_GE(built.size(), 10u) << "lib/CMakeLists.txt was not parsed";
  EXPECT_EQ(documented_dependencies(), built);
}

TEST(Architecture, EveryComponentFolderIsALibraryOfItsOwn) {
  const DependencyMap built = cmake_dependencies();
  for (const auto& entry : fs::directory_iterator(fs::path(MLOPS_SOURCE_DIR) / "lib" / "mlops")) {
    if (entry.is_directory()) {
      EXPECT_TRUE(built.count(entry.path().filename().string())) << entry.path();
    }
  }
}

TEST(Architecture, IncludesFollowTheDependencies) {
  const DependencyMap built = cmake_dependencies();
  const fs::path root = fs::path(MLOPS_SOURCE_DIR) / "lib" / "mlops";
  const std::regex include(R"(#include "mlops/(\w+)/)");
  std::vector<std::string> violations;
  for (const auto& [component, _] : built) {
    const std::set<std::string> allowed = reachable(built, component);
    if (!fs::exists(root / component)) continue;
    for (const auto& entry : fs::recursive_directory_iterator(root / component)) {
      if (!entry.is_regular_file()) continue;
      const std::string text = read_text(entry.path());
      for (std::sregex_iterator it(text.begin(), text.end(), include), end; it != end; ++it) {
        if (!allowed.count((*it)[1])) {
          violations.push_back(fs::relative(entry.path(), root).string() + " includes " +
                               (*it)[1].str() + "/");
        }
      }
    }
  }
  EXPECT_TRUE(violations.empty()) << [&] {
    std::string all;
    for (const auto& v : violations) all += v + "\n";
    return all;
  }();
}

}  // namespace

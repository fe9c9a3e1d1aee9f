#pragma once
// What the tests of deploy/ share: where the repository is, reading text, and the key table of
// `mlops config keys`. deploy/ itself is read the way Docker, kustomize and Compose read it,
// without any of them (the CI machine has no kubectl and no Docker daemon): dockerfile.h,
// kustomize.h (checked against `kubectl kustomize` by hand: docs/production.md), compose.h;
// pod_runner.h runs a container of them on this machine.

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace mlops::testing::deploy {

namespace fs = std::filesystem;

inline const fs::path kRepo = MLOPS_SOURCE_DIR;
inline const fs::path kDeploy = kRepo / "deploy";

inline std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

inline std::string trim(std::string text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return "";
  return text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1);
}

inline std::vector<std::string> words(const std::string& text) {
  std::istringstream in(text);
  std::vector<std::string> out;
  for (std::string word; in >> word;) out.push_back(word);
  return out;
}

/// `mlops config keys`' table: key -> its MLOPS_* variable ("" for maps).
inline std::map<std::string, std::string> parse_key_table(const std::string& markdown) {
  std::map<std::string, std::string> keys;
  std::istringstream in(markdown);
  for (std::string line; std::getline(in, line);) {
    if (!line.starts_with("| `")) continue;
    std::vector<std::string> cells;
    std::string cell;
    for (size_t i = 1; i < line.size(); ++i) {
      if (line[i] == '|' && line[i - 1] != '\\') {
        cells.push_back(trim(cell));
        cell.clear();
      } else {
        cell += line[i];
      }
    }
    if (cells.size() < 4) continue;
    auto unquote = [](std::string text) {
      text.erase(std::remove(text.begin(), text.end(), '`'), text.end());
      return text;
    };
    keys[unquote(cells[0])] = unquote(cells[3]);
  }
  return keys;
}

}  // namespace mlops::testing::deploy

#pragma once
// The environment a GitHub Actions job gets from its workflow's `env`, evaluated the way GitHub
// would for the few expressions our workflows use, so tests can load the config (or run the
// commands) exactly as a scheduled job would.

#include <yaml-cpp/yaml.h>

#include <map>
#include <regex>
#include <stdexcept>
#include <string>

namespace mlops::testing {

/// The workflow's `env`, each `${{ secrets.NAME }}` (or `${{ secrets.NAME || 'default' }}`)
/// replaced by `secrets[NAME]` (when absent: "" or the default, as GitHub gives an unset
/// secret), each `${{ github.NAME }}` by "github-NAME". Throws std::runtime_error naming any
/// other expression.
inline std::map<std::string, std::string> job_environment(
    const YAML::Node& workflow, const std::map<std::string, std::string>& secrets) {
  static const std::regex kExpression(R"(\$\{\{\s*([^}]*?)\s*\}\})");
  static const std::regex kSecret(R"(secrets\.(\w+)(\s*\|\|\s*'([^']*)')?)");
  static const std::regex kGithub(R"(github\.(\w+))");
  std::map<std::string, std::string> out;
  for (const auto& variable : workflow["env"]) {
    const std::string text = variable.second.as<std::string>();
    std::string value;
    size_t last = 0;
    for (std::sregex_iterator it(text.begin(), text.end(), kExpression), end; it != end; ++it) {
      value += text.substr(last, it->position() - last);
      last = it->position() + it->length();
      const std::string expression = (*it)[1];
      std::smatch match;
      if (std::regex_match(expression, match, kSecret)) {
        auto found = secrets.find(match[1]);
        value += found != secrets.end() ? found->second : match[3].str();
      } else if (std::regex_match(expression, match, kGithub)) {
        value += "github-" + match[1].str();
      } else {
        throw std::runtime_error("unexpected expression in env: " + expression);
      }
    }
    out[variable.first.as<std::string>()] = value + text.substr(last);
  }
  return out;
}

}  // namespace mlops::testing

// ${...} interpolation: config keys first, then the environment.

#include "mlops/config/interpolate.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "mlops/config/tree_path.h"
#include "mlops/core/error.h"
#include "mlops/core/secret_mask.h"

namespace mlops::config_detail {
namespace {

// Keys whose value is meant to be read wherever it goes, so a ${VAR} in it is not registered as
// a secret: notify.link is the CI job's page put in every message, and masked it would read
// "****" (a credential query parameter in it is still masked).
bool is_public_key(std::string_view path) {
  return path == "notify.link";
}

class Interpolator {
 public:
  Interpolator(ConfigNode& root, const EnvLookup& getenv) : root_(root), getenv_(getenv) {}

  void walk(ConfigNode& node, const std::string& path) {
    if (node.is_scalar()) {
      resolve(node, path);
    } else if (node.is_map()) {
      for (auto& [key, value] : node.entries()) walk(value, join_key(path, key));
    } else if (node.is_sequence()) {
      for (size_t i = 0; i < node.items().size(); ++i) {
        walk(node.items()[i], fmt::format("{}[{}]", path, i));
      }
    }
  }

 private:
  struct Active {
    const ConfigNode* node;
    std::string path;
  };

  // Interpolates one scalar in place, once; a key reference may get here before the walk does.
  void resolve(ConfigNode& node, const std::string& path) {
    if (done_.count(&node)) return;
    for (size_t i = 0; i < active_.size(); ++i) {
      if (active_[i].node != &node) continue;
      std::vector<std::string> chain;
      for (size_t j = i; j < active_.size(); ++j) chain.push_back(active_[j].path);
      chain.push_back(path);
      throw ConfigError("{}: key '{}': ${{...}} references form a cycle: {}",
                        node.origin().describe(), path, fmt::join(chain, " -> "));
    }
    active_.push_back({&node, path});
    node.set_text(expand(node.text(), node, path));
    active_.pop_back();
    done_.insert(&node);
  }

  std::string expand(std::string_view text, const ConfigNode& node, const std::string& path) {
    std::string out;
    size_t i = 0;
    while (i < text.size()) {
      if (text.substr(i, 3) == "$${") {
        out += "${";
        i += 3;
      } else if (text.substr(i, 2) == "${") {
        size_t close = matching_brace(text, i + 2);
        if (close == std::string_view::npos) {
          throw ConfigError("{}: key '{}': unterminated '${{' in '{}'", node.origin().describe(),
                            path, text);
        }
        out += lookup(text.substr(i + 2, close - i - 2), node, path);
        i = close + 1;
      } else {
        out += text[i++];
      }
    }
    return out;
  }

  // Index of the '}' closing a "${" whose body starts at `from`; defaults may nest "${...}".
  static size_t matching_brace(std::string_view text, size_t from) {
    int depth = 1;
    for (size_t i = from; i < text.size(); ++i) {
      if (text.substr(i, 3) == "$${") {
        i += 2;
      } else if (text.substr(i, 2) == "${") {
        ++depth;
        ++i;
      } else if (text[i] == '}' && --depth == 0) {
        return i;
      }
    }
    return std::string_view::npos;
  }

  std::string lookup(std::string_view body, const ConfigNode& node, const std::string& path) {
    size_t separator = body.find(":-");
    std::string name(body.substr(0, separator));
    if (name.empty()) {
      throw ConfigError("{}: key '{}': empty '${{}}' reference", node.origin().describe(), path);
    }
    if (auto* target = const_cast<ConfigNode*>(root_.find_path(name));
        target && !target->is_null()) {
      if (!target->is_scalar()) {
        throw ConfigError("{}: key '{}': '${{{}}}' names a {}, not a value",
                          node.origin().describe(), path, name, target->is_map() ? "map" : "list");
      }
      resolve(*target, name);
      return target->text();
    }
    std::optional<std::string> value = getenv_(name);
    if (value && !value->empty()) {
      if (!is_public_key(path)) register_secret(*value);  // masked wherever written or printed
      return *value;
    }
    if (separator != std::string_view::npos) return expand(body.substr(separator + 2), node, path);
    if (value) return *value;
    throw ConfigError("{}: key '{}': environment variable '{}' is not set",
                      node.origin().describe(), path, name);
  }

  ConfigNode& root_;
  const EnvLookup& getenv_;
  std::set<const ConfigNode*> done_;
  std::vector<Active> active_;
};

}  // namespace

void interpolate(ConfigNode& root, const EnvLookup& getenv) {
  Interpolator(root, getenv).walk(root, "");
}

}  // namespace mlops::config_detail

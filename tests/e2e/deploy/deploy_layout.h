#pragma once
// deploy/ read the way Docker, kustomize and Compose read it, without any of them (the CI
// machine has no kubectl, no daemon): the Dockerfile's stages and instructions, the kustomize
// layout rendered by a small subset of kustomize (resources, configMapGenerator, images,
// replicas, JSON 6902 patches; any other field is refused, so this renderer cannot silently
// differ from kubectl's), the containers of the rendered objects, and compose.yaml with its
// ${VAR:-default} interpolation. Checked against `kubectl kustomize` by hand (docs/production.md).

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

// ---- Dockerfile --------------------------------------------------------------------------

struct Instruction {
  std::string keyword;  // upper case: FROM, RUN, COPY, ...
  std::string rest;     // the arguments, continuation lines joined
};

struct Stage {
  std::string base;  // FROM's image (or an earlier stage's name)
  std::string name;  // AS name
  std::vector<Instruction> instructions;

  std::vector<std::string> all(const std::string& keyword) const {
    std::vector<std::string> out;
    for (const Instruction& instruction : instructions) {
      if (instruction.keyword == keyword) out.push_back(instruction.rest);
    }
    return out;
  }
  /// The packages of every `apt-get install` in its RUN instructions.
  std::vector<std::string> apt_packages() const {
    std::vector<std::string> out;
    for (const std::string& run : all("RUN")) {
      const std::vector<std::string> tokens = words(run);
      for (size_t i = 0; i + 1 < tokens.size(); ++i) {
        if (tokens[i] != "apt-get" || tokens[i + 1] != "install") continue;
        for (size_t j = i + 2; j < tokens.size() && tokens[j] != "&&" && tokens[j] != ";"; ++j) {
          if (!tokens[j].starts_with("-")) out.push_back(tokens[j]);
        }
      }
    }
    return out;
  }
};

struct Copy {
  std::string from;  // --from=STAGE, or "" for the build context
  std::vector<std::string> sources;
  std::string destination;
};

inline Copy parse_copy(const std::string& rest) {
  Copy copy;
  std::vector<std::string> args;
  for (const std::string& word : words(rest)) {
    if (word.starts_with("--from=")) {
      copy.from = word.substr(7);
    } else if (!word.starts_with("--")) {
      args.push_back(word);
    }
  }
  if (args.size() < 2) throw std::runtime_error("COPY without a destination: " + rest);
  copy.destination = args.back();
  copy.sources.assign(args.begin(), args.end() - 1);
  return copy;
}

/// The stages of a Dockerfile, in order (the last is the default target).
inline std::vector<Stage> parse_dockerfile(const fs::path& path) {
  std::vector<Stage> stages;
  std::istringstream in(read_text(path));
  std::string logical;
  for (std::string line; std::getline(in, line);) {
    const std::string stripped = trim(line);
    if (logical.empty() && (stripped.empty() || stripped.starts_with("#"))) continue;
    if (!logical.empty() && stripped.starts_with("#")) continue;  // a comment inside a RUN
    if (stripped.ends_with("\\")) {
      logical += stripped.substr(0, stripped.size() - 1) + " ";
      continue;
    }
    logical += stripped;
    const size_t space = logical.find(' ');
    std::string keyword = logical.substr(0, space);
    std::transform(keyword.begin(), keyword.end(), keyword.begin(), ::toupper);
    const std::string rest = space == std::string::npos ? "" : trim(logical.substr(space + 1));
    logical.clear();
    if (keyword == "FROM") {
      const std::vector<std::string> args = words(rest);
      Stage stage;
      stage.base = args.at(0);
      if (args.size() == 3) stage.name = args[2];
      stages.push_back(stage);
    } else {
      if (stages.empty()) throw std::runtime_error(keyword + " before FROM in " + path.string());
      stages.back().instructions.push_back({keyword, rest});
    }
  }
  return stages;
}

inline const Stage& stage_named(const std::vector<Stage>& stages, const std::string& name) {
  for (const Stage& stage : stages) {
    if (stage.name == name) return stage;
  }
  throw std::runtime_error("no stage " + name);
}

/// The stage and the stages it derives from, nearest first.
inline std::vector<const Stage*> stage_chain(const std::vector<Stage>& stages, const Stage& stage) {
  std::vector<const Stage*> chain{&stage};
  for (;;) {
    const auto parent = std::find_if(stages.begin(), stages.end(), [&](const Stage& candidate) {
      return !candidate.name.empty() && candidate.name == chain.back()->base;
    });
    if (parent == stages.end()) return chain;
    chain.push_back(&*parent);
  }
}

/// True when `path` (relative to the context) is sent by a .dockerignore with `patterns`:
/// the last pattern matching it decides; `!` re-includes. Supports `*`, `dir/`, `name`.
inline bool sent_to_build(const std::string& path, const std::vector<std::string>& patterns) {
  bool sent = true;
  std::string clean = path;
  while (clean.ends_with("/")) clean.pop_back();
  for (std::string pattern : patterns) {
    const bool include = pattern.starts_with("!");
    if (include) pattern = pattern.substr(1);
    while (pattern.ends_with("/")) pattern.pop_back();
    const bool matches = pattern == "*" || clean == pattern || clean.starts_with(pattern + "/");
    if (matches) sent = include;
  }
  return sent;
}

inline std::vector<std::string> ignore_patterns(const fs::path& file) {
  std::vector<std::string> out;
  std::istringstream in(read_text(file));
  for (std::string line; std::getline(in, line);) {
    line = trim(line);
    if (!line.empty() && !line.starts_with("#")) out.push_back(line);
  }
  return out;
}

// ---- kustomize ---------------------------------------------------------------------------

inline std::string object_id(const YAML::Node& object) {
  return object["kind"].as<std::string>() + "/" + object["metadata"]["name"].as<std::string>();
}

struct Rendered {
  std::vector<YAML::Node> objects;  // ConfigMaps generated included, names without hash suffix
  std::vector<fs::path> generator_files;

  YAML::Node get(const std::string& id) const {
    for (const YAML::Node& object : objects) {
      if (object_id(object) == id) return object;
    }
    throw std::runtime_error("no " + id + " in the rendered manifests");
  }
  bool has(const std::string& id) const {
    return std::any_of(objects.begin(), objects.end(),
                       [&](const YAML::Node& object) { return object_id(object) == id; });
  }
  /// A generated ConfigMap's data.
  std::map<std::string, std::string> config_map(const std::string& name) const {
    return get("ConfigMap/" + name)["data"].as<std::map<std::string, std::string>>();
  }
};

/// JSON pointer tokens of `path` (`/a/0/b`).
inline std::vector<std::string> pointer_tokens(const std::string& path) {
  std::vector<std::string> tokens;
  if (path.empty() || path[0] != '/') throw std::runtime_error("bad JSON pointer " + path);
  std::string token;
  for (size_t i = 1; i <= path.size(); ++i) {
    if (i == path.size() || path[i] == '/') {
      std::string decoded;
      for (size_t j = 0; j < token.size(); ++j) {
        if (token[j] == '~' && j + 1 < token.size()) {
          decoded += token[j + 1] == '1' ? '/' : '~';
          ++j;
        } else {
          decoded += token[j];
        }
      }
      tokens.push_back(decoded);
      token.clear();
    } else {
      token += path[i];
    }
  }
  return tokens;
}

/// The node at `path` in `root` (undefined when missing), without creating anything.
inline YAML::Node at_pointer(const YAML::Node& root, const std::string& path) {
  YAML::Node node = root;
  for (const std::string& token : pointer_tokens(path)) {
    const YAML::Node& current = node;
    if (current.IsSequence()) {
      const size_t index = std::stoul(token);
      if (index >= current.size()) return YAML::Node(YAML::NodeType::Undefined);
      node.reset(current[index]);  // (operator= would overwrite the node it refers to)
    } else if (current.IsMap() && current[token]) {
      node.reset(current[token]);
    } else {
      return YAML::Node(YAML::NodeType::Undefined);
    }
  }
  return node;
}

/// Applies JSON 6902 `replace` and `add` operations (what the overlays use).
inline void apply_json_patch(YAML::Node object, const YAML::Node& operations) {
  for (const YAML::Node& operation : operations) {
    const std::string op = operation["op"].as<std::string>();
    const std::string path = operation["path"].as<std::string>();
    const std::string parent_path = path.substr(0, path.rfind('/'));
    const std::string last = pointer_tokens(path).back();
    YAML::Node parent = parent_path.empty() ? object : at_pointer(object, parent_path);
    if (!parent.IsDefined()) throw std::runtime_error("patch path " + path + " has no parent");
    if (op == "replace") {
      if (!at_pointer(object, path).IsDefined()) {
        throw std::runtime_error("patch replaces " + path + ", which does not exist");
      }
      if (parent.IsSequence()) {
        parent[std::stoul(last)] = YAML::Clone(operation["value"]);
      } else {
        parent[last] = YAML::Clone(operation["value"]);
      }
    } else if (op == "add" && parent.IsMap()) {
      parent[last] = YAML::Clone(operation["value"]);
    } else if (op == "add" && parent.IsSequence() && last == "-") {
      parent.push_back(YAML::Clone(operation["value"]));
    } else {
      throw std::runtime_error("patch op " + op + " at " + path + " is not supported here");
    }
  }
}

/// Every container map (containers and initContainers) of a pod spec.
inline std::vector<YAML::Node> pod_containers(const YAML::Node& pod_spec) {
  std::vector<YAML::Node> out;
  for (const char* list : {"initContainers", "containers"}) {
    if (!pod_spec[list]) continue;
    for (YAML::Node container : pod_spec[list]) out.push_back(container);
  }
  return out;
}

/// The pod spec of a Deployment, Job or CronJob (undefined for other kinds).
inline YAML::Node pod_spec(const YAML::Node& object) {
  const std::string kind = object["kind"].as<std::string>();
  if (kind == "Deployment" || kind == "Job") return object["spec"]["template"]["spec"];
  if (kind == "CronJob") return object["spec"]["jobTemplate"]["spec"]["template"]["spec"];
  return YAML::Node(YAML::NodeType::Undefined);
}

/// Renders the kustomization in `dir` as kustomize does, for the fields listed at the top.
inline Rendered render_kustomization(const fs::path& dir) {
  const YAML::Node kustomization = YAML::LoadFile((dir / "kustomization.yaml").string());
  static const std::set<std::string> kSupported{
      "apiVersion", "kind", "resources", "configMapGenerator", "images", "replicas", "patches"};
  for (const auto& field : kustomization) {
    if (!kSupported.contains(field.first.as<std::string>())) {
      throw std::runtime_error((dir / "kustomization.yaml").string() + ": field " +
                               field.first.as<std::string>() +
                               " is not rendered by tests/e2e/deploy/deploy_layout.h");
    }
  }
  Rendered rendered;
  for (const YAML::Node& resource : kustomization["resources"]) {
    const fs::path path = dir / resource.as<std::string>();
    if (fs::is_directory(path)) {
      Rendered inner = render_kustomization(path);
      for (auto& object : inner.objects) rendered.objects.push_back(object);
      for (auto& file : inner.generator_files) rendered.generator_files.push_back(file);
    } else {
      for (const YAML::Node& document : YAML::LoadAllFromFile(path.string())) {
        if (document.IsMap()) rendered.objects.push_back(YAML::Clone(document));
      }
    }
  }
  for (const YAML::Node& generator : kustomization["configMapGenerator"]) {
    const std::string name = generator["name"].as<std::string>();
    const std::string behavior =
        generator["behavior"] ? generator["behavior"].as<std::string>() : "create";
    YAML::Node config_map;
    config_map["apiVersion"] = "v1";
    config_map["kind"] = "ConfigMap";
    config_map["metadata"]["name"] = name;
    config_map["data"] = YAML::Node(YAML::NodeType::Map);
    for (const YAML::Node& file : generator["files"]) {
      const fs::path path = dir / file.as<std::string>();
      rendered.generator_files.push_back(path);
      config_map["data"][path.filename().string()] = read_text(path);
    }
    for (const YAML::Node& literal : generator["literals"]) {
      const std::string text = literal.as<std::string>();
      const size_t equals = text.find('=');
      config_map["data"][text.substr(0, equals)] = text.substr(equals + 1);
    }
    const auto existing = std::find_if(
        rendered.objects.begin(), rendered.objects.end(),
        [&](const YAML::Node& object) { return object_id(object) == "ConfigMap/" + name; });
    if (behavior == "replace") {
      if (existing == rendered.objects.end()) {
        throw std::runtime_error("configMapGenerator " + name + " replaces nothing");
      }
      existing->reset(config_map);
    } else if (behavior == "create") {
      if (existing != rendered.objects.end()) {
        throw std::runtime_error("configMapGenerator " + name + " exists already");
      }
      rendered.objects.push_back(config_map);
    } else {
      throw std::runtime_error("configMapGenerator behavior " + behavior + " not supported");
    }
  }
  for (const YAML::Node& image : kustomization["images"]) {
    const std::string name = image["name"].as<std::string>();
    bool used = false;
    for (const YAML::Node& object : rendered.objects) {
      const YAML::Node spec = pod_spec(object);
      if (!spec.IsDefined()) continue;
      for (YAML::Node container : pod_containers(spec)) {
        const std::string current = container["image"].as<std::string>();
        if (current.substr(0, current.find(':')) != name) continue;
        used = true;
        const std::string new_name = image["newName"] ? image["newName"].as<std::string>() : name;
        const std::string tag = image["newTag"] ? image["newTag"].as<std::string>()
                                                : current.substr(current.find(':') + 1);
        container["image"] = new_name + ":" + tag;
      }
    }
    if (!used) throw std::runtime_error("images: no container uses " + name);
  }
  for (const YAML::Node& replica : kustomization["replicas"]) {
    const std::string name = replica["name"].as<std::string>();
    bool found = false;
    for (YAML::Node object : rendered.objects) {
      if (object["kind"].as<std::string>() == "Deployment" &&
          object["metadata"]["name"].as<std::string>() == name) {
        object["spec"]["replicas"] = replica["count"].as<int>();
        found = true;
      }
    }
    if (!found) throw std::runtime_error("replicas: no Deployment " + name);
  }
  for (const YAML::Node& patch : kustomization["patches"]) {
    const std::string id =
        patch["target"]["kind"].as<std::string>() + "/" + patch["target"]["name"].as<std::string>();
    const auto target =
        std::find_if(rendered.objects.begin(), rendered.objects.end(),
                     [&](const YAML::Node& object) { return object_id(object) == id; });
    if (target == rendered.objects.end()) {
      throw std::runtime_error("patch target " + id + " is not in the base");
    }
    apply_json_patch(*target, YAML::Load(patch["patch"].as<std::string>()));
  }
  return rendered;
}

// ---- containers --------------------------------------------------------------------------

struct Container {
  std::string owner;  // Kind/name of the object
  YAML::Node pod;     // its pod spec
  YAML::Node spec;    // the container

  std::string name() const { return spec["name"].as<std::string>(); }
  std::vector<std::string> command() const {
    return spec["command"].as<std::vector<std::string>>();
  }
  /// The value of `flag` in the command ("" when absent).
  std::string flag(const std::string& flag) const {
    const std::vector<std::string> argv = command();
    for (size_t i = 0; i + 1 < argv.size(); ++i) {
      if (argv[i] == flag) return argv[i + 1];
    }
    return "";
  }
  YAML::Node env(const std::string& name) const {
    for (const YAML::Node& entry : spec["env"]) {
      if (entry["name"].as<std::string>() == name) return entry;
    }
    return YAML::Node(YAML::NodeType::Undefined);
  }
};

inline std::vector<Container> containers_of(const Rendered& rendered) {
  std::vector<Container> out;
  for (const YAML::Node& object : rendered.objects) {
    const YAML::Node spec = pod_spec(object);
    if (!spec.IsDefined()) continue;
    for (const YAML::Node& container : pod_containers(spec)) {
      out.push_back({object_id(object), spec, container});
    }
  }
  return out;
}

/// `$(NAME)` references expanded from `values`, as the kubelet expands command and env;
/// unknown references stay as written.
inline std::string expand_references(const std::string& text,
                                     const std::map<std::string, std::string>& values) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text.compare(i, 2, "$(") == 0) {
      const size_t close = text.find(')', i);
      if (close != std::string::npos) {
        const auto found = values.find(text.substr(i + 2, close - i - 2));
        if (found != values.end()) {
          out += found->second;
          i = close;
          continue;
        }
      }
    }
    out += text[i];
  }
  return out;
}

/// The `$(NAME)` references of `text`.
inline std::vector<std::string> references(const std::string& text) {
  std::vector<std::string> out;
  for (size_t at = text.find("$("); at != std::string::npos; at = text.find("$(", at + 2)) {
    const size_t close = text.find(')', at);
    if (close != std::string::npos) out.push_back(text.substr(at + 2, close - at - 2));
  }
  return out;
}

// ---- compose -----------------------------------------------------------------------------

/// Compose's interpolation of `${VAR}`, `${VAR:-default}` and `$$`, from `env`.
inline std::string compose_interpolate(const std::string& text,
                                       const std::map<std::string, std::string>& env) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text.compare(i, 2, "$$") == 0) {
      out += '$';
      ++i;
    } else if (text.compare(i, 2, "${") == 0) {
      const size_t close = text.find('}', i);
      const std::string inner = text.substr(i + 2, close - i - 2);
      const size_t dash = inner.find(":-");
      const std::string name = inner.substr(0, dash);
      const auto found = env.find(name);
      if (found != env.end() && !found->second.empty()) {
        out += found->second;
      } else if (dash != std::string::npos) {
        out += inner.substr(dash + 2);
      }
      i = close;
    } else {
      out += text[i];
    }
  }
  return out;
}

/// A compose service's `environment` as a map (map or NAME=VALUE list form), interpolated.
inline std::map<std::string, std::string> compose_environment(
    const YAML::Node& service, const std::map<std::string, std::string>& shell) {
  std::map<std::string, std::string> out;
  const YAML::Node environment = service["environment"];
  if (environment.IsMap()) {
    for (const auto& entry : environment) {
      out[entry.first.as<std::string>()] =
          compose_interpolate(entry.second.as<std::string>(), shell);
    }
  } else if (environment.IsSequence()) {
    for (const YAML::Node& entry : environment) {
      const std::string text = entry.as<std::string>();
      out[text.substr(0, text.find('='))] =
          compose_interpolate(text.substr(text.find('=') + 1), shell);
    }
  }
  return out;
}

/// The compose services in an order that respects depends_on.
inline std::vector<std::string> compose_start_order(const YAML::Node& compose) {
  std::vector<std::string> order;
  std::set<std::string> placed;
  std::vector<std::string> names;
  for (const auto& service : compose["services"]) names.push_back(service.first.as<std::string>());
  while (order.size() < names.size()) {
    bool progress = false;
    for (const std::string& name : names) {
      if (placed.contains(name)) continue;
      bool ready = true;
      for (const auto& dependency : compose["services"][name]["depends_on"]) {
        ready = ready && placed.contains(dependency.first.as<std::string>());
      }
      if (ready) {
        order.push_back(name);
        placed.insert(name);
        progress = true;
      }
    }
    if (!progress) throw std::runtime_error("compose: depends_on has a cycle");
  }
  return order;
}

// ---- mlops facts -------------------------------------------------------------------------

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

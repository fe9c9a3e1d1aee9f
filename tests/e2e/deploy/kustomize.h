#pragma once
// A kustomize layout rendered by the subset of kustomize the overlays use (resources,
// configMapGenerator, images, replicas, JSON 6902 patches; any other field is refused), and the
// containers of the rendered objects with the kubelet's $(VAR) expansion.

#include "deploy/deploy_layout.h"

namespace mlops::testing::deploy {

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

}  // namespace mlops::testing::deploy

#pragma once
// Runs a container of the rendered manifests (or a compose service) on this machine as its
// pod would run it: the image's files (the Dockerfile's COPY into its WORKDIR) under a
// directory standing for the container's root, each volume a directory (an emptyDir or a
// ConfigMap's files in that root, a PersistentVolumeClaim one directory shared by every pod
// that claims it), the environment the image and the container spec give (secretKeyRef and
// configMapKeyRef read from what the test provides in place of the cluster, the completion
// index from the Indexed Job), `$(VAR)` expanded as the kubelet does, and every absolute path
// in the command and the environment moved to the directory that stands for it. Nothing else
// of the command line or the environment is changed.

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>

#include <functional>

#include "deploy/dockerfile.h"
#include "deploy/kustomize.h"
#include "support/temp_dir.h"

namespace mlops::testing::deploy {

/// What the test provides in place of a cluster.
struct Cluster {
  std::map<std::string, std::string> secrets;  // "secret/key" -> value
  std::map<std::string, std::map<std::string, std::string>> config_maps;
  std::map<std::string, fs::path> claims;  // PersistentVolumeClaim -> its directory
  /// The name the Job controller gives the Job a CronJob starts (its label
  /// batch.kubernetes.io/job-name): the CronJob's name and the scheduled minute.
  std::string job_name = "mlops-batch-predict-29412345";
};

/// The image's environment (ENV of the default target and the stages below it) and WORKDIR.
struct Image {
  std::map<std::string, std::string> env;
  std::string workdir = "/";
  std::vector<std::pair<fs::path, std::string>> files;  // repository path -> container path
  std::vector<std::string> volumes;                     // VOLUME: Docker mounts one there

  static Image from_dockerfile(const fs::path& dockerfile) {
    const std::vector<Stage> stages = parse_dockerfile(dockerfile);
    std::vector<const Stage*> chain = stage_chain(stages, stages.back());
    std::reverse(chain.begin(), chain.end());
    Image image;
    for (const Stage* stage : chain) {
      for (const Instruction& instruction : stage->instructions) {
        if (instruction.keyword == "WORKDIR") image.workdir = instruction.rest;
        if (instruction.keyword == "VOLUME") {
          for (std::string word : words(instruction.rest)) {
            std::erase_if(word,
                          [](char c) { return c == '[' || c == ']' || c == '"' || c == ','; });
            image.volumes.push_back(word);
          }
        }
        if (instruction.keyword == "ENV") {
          for (const std::string& pair : words(instruction.rest)) {
            image.env[pair.substr(0, pair.find('='))] = pair.substr(pair.find('=') + 1);
          }
        }
        if (instruction.keyword == "COPY") {
          const Copy copy = parse_copy(instruction.rest);
          if (!copy.from.empty()) continue;  // the programs: the test runs the built ones
          const std::string destination = copy.destination.starts_with("/")
                                              ? copy.destination
                                              : image.workdir + "/" + copy.destination;
          for (const std::string& source : copy.sources) {
            image.files.push_back({kRepo / source, destination});
          }
        }
      }
    }
    return image;
  }
};

/// A started process: its pid and where its output goes.
struct Started {
  pid_t pid = -1;
  fs::path out, err;
};

struct Finished {
  int exit_code = -1;
  std::string out, err;
};

/// A container's filesystem, environment and command line on this machine.
class Pod {
 public:
  /// `root` stands for the container's `/`; `index` is the Indexed Job's completion index.
  Pod(const fs::path& root, const Image& image, const Cluster& cluster, const YAML::Node& pod_spec,
      const YAML::Node& container, int index = 0)
      : root_(root) {
    for (const auto& file : image.files) {
      const fs::path target = host_under_root(file.second);
      fs::create_directories(target);
      fs::copy(file.first, target,
               fs::copy_options::recursive | fs::copy_options::overwrite_existing);
    }
    workdir_ = host_under_root(image.workdir);
    for (const YAML::Node& mount : container["volumeMounts"]) {
      const std::string path = mount["mountPath"].as<std::string>();
      const YAML::Node volume = volume_named(pod_spec, mount["name"].as<std::string>());
      if (volume["persistentVolumeClaim"]) {
        claims_[path] =
            cluster.claims.at(volume["persistentVolumeClaim"]["claimName"].as<std::string>());
        fs::create_directories(claims_[path]);
      } else if (volume["configMap"]) {
        const fs::path dir = host_under_root(path);
        fs::remove_all(dir);  // the mount hides what the image holds there
        fs::create_directories(dir);
        for (const auto& entry :
             cluster.config_maps.at(volume["configMap"]["name"].as<std::string>())) {
          std::ofstream(dir / entry.first, std::ios::binary) << entry.second;
        }
      } else if (volume["emptyDir"]) {
        fs::create_directories(host_under_root(path));
        writable_.push_back(host_under_root(path));
      } else {
        throw std::runtime_error("volume kind of " + mount["name"].as<std::string>() +
                                 " is not emulated");
      }
    }
    env_ = image.env;
    env_["PATH"] = "/usr/local/bin:/usr/bin:/bin";
    env_["HOME"] = host(image.workdir);
    for (const YAML::Node& entry : container["env"]) {
      const std::string name = entry["name"].as<std::string>();
      if (entry["value"]) {
        env_[name] = map_path(expand_references(entry["value"].as<std::string>(), env_));
      } else if (const YAML::Node secret = entry["valueFrom"]["secretKeyRef"]) {
        env_[name] = cluster.secrets.at(secret["name"].as<std::string>() + "/" +
                                        secret["key"].as<std::string>());
      } else if (const YAML::Node config = entry["valueFrom"]["configMapKeyRef"]) {
        env_[name] = cluster.config_maps.at(config["name"].as<std::string>())
                         .at(config["key"].as<std::string>());
      } else if (entry["valueFrom"]["fieldRef"]["fieldPath"].as<std::string>() ==
                 "metadata.annotations['batch.kubernetes.io/job-completion-index']") {
        env_[name] = std::to_string(index);
      } else if (entry["valueFrom"]["fieldRef"]["fieldPath"].as<std::string>() ==
                 "metadata.labels['batch.kubernetes.io/job-name']") {
        env_[name] = cluster.job_name;
      } else {
        throw std::runtime_error("env " + name + ": source not emulated");
      }
    }
    for (const std::string& arg : container["command"].as<std::vector<std::string>>()) {
      argv_.push_back(map_path(expand_references(arg, env_)));
    }
    if (argv_.empty() || argv_[0] != "mlops") throw std::runtime_error("command is not mlops");
    argv_[0] = MLOPS_BINARY;
    read_only_before_ = read_only_files();
  }

  /// Files created or changed since the pod was made outside its writable volumes (emptyDir,
  /// PersistentVolumeClaim): what a read-only root filesystem would have refused.
  std::vector<std::string> written_outside_volumes() const {
    std::vector<std::string> out;
    for (const auto& file : read_only_files()) {
      const auto before = read_only_before_.find(file.first);
      if (before == read_only_before_.end() || before->second != file.second) {
        out.push_back(file.first);
      }
    }
    return out;
  }

  /// The directory standing for the container path `path`.
  fs::path host(const std::string& path) const {
    std::string best;
    for (const auto& claim : claims_) {
      if ((path == claim.first || path.starts_with(claim.first + "/")) &&
          claim.first.size() > best.size()) {
        best = claim.first;
      }
    }
    if (best.empty()) return host_under_root(path);
    return claims_.at(best) / path.substr(std::min(path.size(), best.size() + 1));
  }
  /// `value` with an absolute container path replaced by its directory here.
  std::string map_path(const std::string& value) const {
    return value.starts_with("/") ? host(value).string() : value;
  }

  const std::vector<std::string>& argv() const { return argv_; }
  const std::map<std::string, std::string>& env() const { return env_; }
  const fs::path& workdir() const { return workdir_; }
  /// Adds or replaces a variable of the process environment (for what a test must change).
  void set_env(const std::string& name, const std::string& value) { env_[name] = value; }

  /// Starts the command in the working directory; output to files in `logs`.
  Started start(const fs::path& logs, const std::string& label) const {
    Started started{-1, logs / (label + ".out"), logs / (label + ".err")};
    std::vector<std::string> argv = argv_;
    std::vector<char*> raw_argv;
    for (auto& arg : argv) raw_argv.push_back(arg.data());
    raw_argv.push_back(nullptr);
    std::vector<std::string> envp;
    for (const auto& entry : env_) envp.push_back(entry.first + "=" + entry.second);
    std::vector<char*> raw_env;
    for (auto& entry : envp) raw_env.push_back(entry.data());
    raw_env.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addchdir_np(&actions, workdir_.c_str());
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, started.out.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                     0644);
    posix_spawn_file_actions_addopen(&actions, 2, started.err.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                     0644);
    if (posix_spawn(&started.pid, raw_argv[0], &actions, nullptr, raw_argv.data(),
                    raw_env.data()) != 0) {
      started.pid = -1;
    }
    posix_spawn_file_actions_destroy(&actions);
    return started;
  }

  static Finished wait(const Started& started) {
    Finished finished;
    int status = 0;
    if (started.pid > 0 && waitpid(started.pid, &status, 0) == started.pid) {
      finished.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
    }
    finished.out = read_text(started.out);
    finished.err = read_text(started.err);
    return finished;
  }

  Finished run(const fs::path& logs, const std::string& label) const {
    return wait(start(logs, label));
  }

 private:
  fs::path host_under_root(const std::string& path) const {
    return root_ / fs::path(path).relative_path();
  }
  static YAML::Node volume_named(const YAML::Node& pod_spec, const std::string& name) {
    for (const YAML::Node& volume : pod_spec["volumes"]) {
      if (volume["name"].as<std::string>() == name) return volume;
    }
    throw std::runtime_error("no volume " + name);
  }

  /// Every file under the root but in writable volumes, with its modification time.
  std::map<std::string, fs::file_time_type> read_only_files() const {
    std::map<std::string, fs::file_time_type> files;
    for (auto it = fs::recursive_directory_iterator(root_);
         it != fs::recursive_directory_iterator(); ++it) {
      if (std::find(writable_.begin(), writable_.end(), it->path()) != writable_.end()) {
        it.disable_recursion_pending();
        continue;
      }
      files[it->path().string()] = fs::last_write_time(it->path());
    }
    return files;
  }

  fs::path root_;
  std::vector<fs::path> writable_;
  std::map<std::string, fs::file_time_type> read_only_before_;
  fs::path workdir_;
  std::map<std::string, fs::path> claims_;
  std::map<std::string, std::string> env_;
  std::vector<std::string> argv_;
};

}  // namespace mlops::testing::deploy

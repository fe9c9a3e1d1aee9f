// deploy/ checked without Docker, a cluster or kubectl: the Dockerfile (stages, a non-root
// user, what it copies exists and is sent to the build, its runtime packages provide every
// shared library the built programs link or open), the Kubernetes overlays as kustomize renders
// them (files, ConfigMaps, Secrets, config keys and environment variables that exist, ports,
// probes, the shard count, overlays that differ only by values) and compose.yaml. The built
// `mlops` answers what the config says (`mlops config keys`, `mlops config show`).

#include <gtest/gtest.h>

#include <regex>

#include "cli_runner.h"
#include "deploy/compose.h"
#include "deploy/pod_runner.h"
#include "mlops/io/process.h"

namespace mlops::testing::deploy {
namespace {

/// Environment variables the manifests may set that are not config keys (MLOPS_*), each
/// documented in docs/production.md.
const std::set<std::string> kOtherVariables{
    "PGPASSWORD",        "DEPLOY_ENV",     "SHARDS",          "JOB_COMPLETION_INDEX",
    "JOB_NAME",          "DMLC_TASK_ID",   "DMLC_NUM_WORKER", "DMLC_TRACKER_URI",
    "DMLC_TRACKER_PORT", "OMP_WAIT_POLICY"};

const std::map<std::string, std::string>& key_table() {
  static const std::map<std::string, std::string> keys = [] {
    TempDir scratch;
    const CliResult result = run_mlops("config keys", scratch);
    if (result.exit_code != 0) throw std::runtime_error("mlops config keys: " + result.err);
    return parse_key_table(result.out);
  }();
  return keys;
}

bool is_config_variable(const std::string& name) {
  for (const auto& entry : key_table()) {
    if (entry.second == name) return true;
  }
  return false;
}

std::set<std::string> subcommands() {
  TempDir scratch;
  const CliResult help = run_mlops("--help", scratch);
  std::set<std::string> out;
  const size_t start = help.out.find("Subcommands:");
  std::istringstream in(help.out.substr(start == std::string::npos ? 0 : start));
  for (std::string line; std::getline(in, line);) {
    if (line.starts_with("  ") && !line.starts_with("   ")) out.insert(words(line)[0]);
  }
  return out;
}

const std::string& production_doc() {
  static const std::string text = read_text(kRepo / "docs" / "production.md");
  return text;
}

/// `mlops config show` for the --env, --workflow and --set of `argv`, with `env`, in `cwd`.
YAML::Node config_in_force(const std::vector<std::string>& argv,
                           const std::map<std::string, std::string>& env, const fs::path& cwd) {
  std::string args = "config show";
  for (size_t i = 2; i + 1 < argv.size(); ++i) {
    if (argv[i] == "--env" || argv[i] == "--workflow" || argv[i] == "-w" || argv[i] == "--set") {
      args += " " + argv[i] + " '" + argv[i + 1] + "'";
    }
  }
  std::string prefix = "env -i";
  for (const auto& entry : env) prefix += " " + entry.first + "='" + entry.second + "'";
  TempDir scratch;
  const CliResult shown = run_mlops_in(cwd.string(), args, scratch, prefix);
  if (shown.exit_code != 0) {
    throw std::runtime_error("mlops " + args + " failed in " + cwd.string() + ": " + shown.err);
  }
  return YAML::Load(shown.out);
}

std::vector<Stage> dockerfile() {
  return parse_dockerfile(kDeploy / "Dockerfile");
}

TEST(DeployFiles, DockerfileBuildsOnBookwormAndRunsMlopsOnSlimAsAnUnprivilegedUser) {
  const std::vector<Stage> stages = dockerfile();
  EXPECT_EQ(stage_named(stages, "build").base, "debian:bookworm");
  const std::vector<const Stage*> runtime = stage_chain(stages, stages.back());
  EXPECT_EQ(runtime.back()->base, "debian:bookworm-slim");  // the default target's root
  std::string entrypoint, user, workdir;
  std::vector<Copy> programs, files;
  for (auto stage = runtime.rbegin(); stage != runtime.rend(); ++stage) {
    for (const Instruction& instruction : (*stage)->instructions) {
      if (instruction.keyword == "ENTRYPOINT") entrypoint = instruction.rest;
      if (instruction.keyword == "USER") user = instruction.rest;
      if (instruction.keyword == "WORKDIR") workdir = instruction.rest;
      if (instruction.keyword == "COPY") {
        const Copy copy = parse_copy(instruction.rest);
        (copy.from == "build" ? programs : files).push_back(copy);
      }
    }
  }
  EXPECT_EQ(entrypoint, R"(["mlops"])");
  ASSERT_FALSE(user.empty());
  EXPECT_NE(user.substr(0, user.find(':')), "0");
  EXPECT_NE(user.substr(0, user.find(':')), "root");
  EXPECT_EQ(workdir, "/app");
  // Both programs from the build stage, into one directory on PATH (mlops serve runs the
  // mlops-serve next to mlops).
  ASSERT_EQ(programs.size(), 1u);
  EXPECT_EQ(programs[0].sources,
            (std::vector<std::string>{"/src/build/mlops", "/src/build/mlops-serve"}));
  EXPECT_EQ(programs[0].destination, "/usr/local/bin/");
  std::set<std::string> copied;
  for (const Copy& copy : files) copied.insert(copy.sources.begin(), copy.sources.end());
  for (const char* folder : {"configs/", "workflows/", "contracts/"}) {
    EXPECT_TRUE(copied.contains(folder)) << folder;
  }
}

TEST(DeployFiles, EverythingTheDockerfileCopiesExistsAndIsSentToTheBuild) {
  const std::vector<std::string> ignore = ignore_patterns(kDeploy / "Dockerfile.dockerignore");
  std::set<std::string> build_copies;
  for (const Stage& stage : dockerfile()) {
    for (const std::string& rest : stage.all("COPY")) {
      const Copy copy = parse_copy(rest);
      if (!copy.from.empty()) continue;
      for (const std::string& source : copy.sources) {
        EXPECT_TRUE(fs::exists(kRepo / source)) << source;
        EXPECT_TRUE(sent_to_build(source, ignore)) << source << " is excluded by the ignore file";
        if (stage.name == "build") build_copies.insert(fs::path(source).begin()->string());
      }
    }
  }
  // The build needs every folder CMake reads: add_subdirectory (but tests/, not built there)
  // and ${PROJECT_SOURCE_DIR}/FOLDER references.
  std::set<std::string> needed{"CMakeLists.txt"};
  const std::regex subdirectory(R"(add_subdirectory\(([A-Za-z_]+))");
  const std::string top = read_text(kRepo / "CMakeLists.txt");
  for (std::sregex_iterator it(top.begin(), top.end(), subdirectory), end; it != end; ++it) {
    if ((*it)[1] != "tests") needed.insert((*it)[1]);
  }
  const std::regex project_path(R"(\$\{PROJECT_SOURCE_DIR\}/([A-Za-z_]+)/)");
  for (const char* file : {"CMakeLists.txt", "lib/CMakeLists.txt", "cli/CMakeLists.txt"}) {
    const std::string text = read_text(kRepo / file);
    for (std::sregex_iterator it(text.begin(), text.end(), project_path), end; it != end; ++it) {
      needed.insert((*it)[1]);
    }
  }
  EXPECT_TRUE(needed.contains("templates"));  // what mlops init embeds: the regex works
  for (const std::string& folder : needed) {
    EXPECT_TRUE(build_copies.contains(folder)) << folder << " is needed by the build";
  }
  // Every workflow the image holds loads there (its contract files included).
  TempDir root;
  const Image image = Image::from_dockerfile(kDeploy / "Dockerfile");
  for (const auto& file : image.files) {
    fs::create_directories(root.path() / fs::path(file.second).relative_path());
    fs::copy(file.first, root.path() / fs::path(file.second).relative_path(),
             fs::copy_options::recursive | fs::copy_options::overwrite_existing);
  }
  const fs::path app = root.path() / fs::path(image.workdir).relative_path();
  size_t workflows = 0;
  for (const auto& entry : fs::directory_iterator(app / "workflows")) {
    const CliResult shown = run_mlops_in(
        app.string(),
        "config show --env prod --workflow workflows/" + entry.path().filename().string(), root);
    EXPECT_EQ(shown.exit_code, 0) << entry.path() << ": " << shown.err;
    ++workflows;
  }
  EXPECT_GT(workflows, 0u);
}

TEST(DeployFiles, TheBuildStageConfiguresFromWhatItCopiesAndKnowsEverySourceOfBothPrograms) {
  // The build stage's context, as Docker would send and copy it, in a folder of its own.
  const std::vector<Stage> stages = dockerfile();
  const Stage& build = stage_named(stages, "build");
  const std::vector<std::string> ignore = ignore_patterns(kDeploy / "Dockerfile.dockerignore");
  TempDir context;
  for (const std::string& rest : build.all("COPY")) {
    const Copy copy = parse_copy(rest);
    for (const std::string& source : copy.sources) {
      const fs::path target = context.path() / copy.destination;
      fs::create_directories(copy.destination.ends_with("/") ? target : target.parent_path());
      fs::copy(kRepo / source, copy.destination.ends_with("/") ? target : target,
               fs::copy_options::recursive | fs::copy_options::overwrite_existing);
    }
  }
  for (const char* ignored : {"bench/data", "bench/out"}) {
    EXPECT_FALSE(sent_to_build(ignored, ignore)) << ignored;
    fs::remove_all(context.path() / ignored);
  }
  // Its RUN: the configure step as written, then the build step's targets planned (ninja -n:
  // every source file and rule present; compiling them is the build's job, not this test's).
  std::string configure, targets;
  for (const std::string& run : build.all("RUN")) {
    if (run.find("cmake -S") == std::string::npos) continue;
    configure = trim(run.substr(0, run.find("&&")));
    const size_t target = run.find("--target ");
    targets = run.substr(target + 9, run.find("&&", target) - target - 9);
  }
  ASSERT_FALSE(configure.empty());
  EXPECT_EQ(words(targets), (std::vector<std::string>{"mlops", "mlops-serve"}));
  const ProcessResult configured =
      run_process({"sh", "-c", "cd '" + context.path().string() + "' && " + configure});
  ASSERT_EQ(configured.exit_code, 0) << configured.out << configured.err;
  // Every input ninja would read for both programs exists in the context (or is made by the
  // build); compiling them is the build's job, not this test's.
  std::vector<std::string> query{"ninja", "-C", (context.path() / "build").string(), "-t",
                                 "inputs"};
  for (const std::string& target : words(targets)) query.push_back(target);
  const ProcessResult inputs = run_process(query);
  ASSERT_EQ(inputs.exit_code, 0) << inputs.out << inputs.err;
  std::istringstream lines(inputs.out);
  size_t sources = 0;
  for (std::string line; std::getline(lines, line);) {
    if (line.size() > 1 && line.front() == '\'' && line.back() == '\'') {
      line = line.substr(1, line.size() - 2);
    }
    const fs::path build_dir = context.path() / "build";
    const fs::path input = (build_dir / line).lexically_normal();  // relative: to the build
    if (input.string().starts_with(build_dir.string())) continue;  // made by the build
    EXPECT_TRUE(fs::exists(input)) << input << " is not in the build stage's context";
    sources += line.ends_with(".cpp");
  }
  EXPECT_GT(sources, 100u);
}

/// The Debian package holding `path` (dpkg -S; merged /usr: the /lib twin too).
std::string package_of(const fs::path& path) {
  std::vector<fs::path> candidates{path, fs::canonical(path)};
  for (const fs::path& candidate : std::vector<fs::path>(candidates)) {
    const std::string text = candidate.string();
    if (text.starts_with("/usr/lib/")) candidates.push_back(text.substr(4));
    if (text.starts_with("/lib/")) candidates.push_back("/usr" + text);
  }
  for (const fs::path& candidate : candidates) {
    const ProcessResult found = run_process({"dpkg", "-S", candidate.string()});
    if (found.exit_code == 0) {
      const std::string package = found.out.substr(0, found.out.find(':'));
      return package;
    }
  }
  return "";
}

TEST(DeployFiles, RuntimePackagesProvideEveryLibraryTheProgramsLinkOrOpen) {
  ASSERT_TRUE(find_program("dpkg").has_value()) << "the image is Debian's: so is the test machine";
  std::set<std::string> installed;
  const std::vector<Stage> stages = dockerfile();
  for (const Stage* stage : stage_chain(stages, stages.back())) {
    for (const std::string& package : stage->apt_packages()) installed.insert(package);
  }
  const fs::path mlops = MLOPS_BINARY;
  const fs::path serve = MLOPS_SERVE_BINARY;
  EXPECT_EQ(mlops.parent_path(), serve.parent_path());
  size_t libraries = 0;
  for (const fs::path& program : {mlops, serve}) {
    const ProcessResult ldd = run_process({"ldd", program.string()});
    ASSERT_EQ(ldd.exit_code, 0) << ldd.err;
    std::istringstream lines(ldd.out);
    for (std::string line; std::getline(lines, line);) {
      const size_t arrow = line.find("=> /");
      if (arrow == std::string::npos) continue;  // the vDSO, the loader
      const std::string path = words(line.substr(arrow + 3))[0];
      const std::string package = package_of(path);
      ASSERT_FALSE(package.empty()) << path << " belongs to no package";
      EXPECT_TRUE(installed.contains(package))
          << program.filename() << " loads " << path << " from " << package
          << ", which deploy/Dockerfile does not install";
      ++libraries;
    }
  }
  EXPECT_GE(libraries, 8u);  // mlops-serve alone: fmt, httplib, OpenSSL, brotli, ...
  // Opened with dlopen on first use: lib/mlops/*/*_api.cpp name the soname and the package.
  const std::regex opened(R"re(load_function_table<\w+>\(\s*"([^"]+)",\s*"[^"]*",\s*"([^"]+)")re");
  size_t dlopened = 0;
  for (const auto& entry : fs::recursive_directory_iterator(kRepo / "lib" / "mlops")) {
    if (!entry.path().filename().string().ends_with("_api.cpp")) continue;
    const std::string text = read_text(entry.path());
    for (std::sregex_iterator it(text.begin(), text.end(), opened), end; it != end; ++it) {
      const std::string soname = (*it)[1], package = (*it)[2];
      EXPECT_TRUE(installed.contains(package)) << soname << " (" << package << ")";
      const ProcessResult found = run_process({"dpkg", "-S", "*/" + soname});
      EXPECT_NE(found.out.find(package + ":"), std::string::npos)
          << soname << " is not in " << package << ": " << found.out;
      ++dlopened;
    }
  }
  EXPECT_EQ(dlopened, 4u);  // XGBoost, libpq, libcurl, librdkafka
}

/// A rendered overlay with a stand-in cluster (Secrets hold placeholders: nothing connects).
struct Overlay {
  std::string name;
  Rendered rendered;
  Cluster cluster;
  std::unique_ptr<TempDir> root = std::make_unique<TempDir>();

  explicit Overlay(const std::string& overlay)
      : name(overlay), rendered(render_kustomization(kDeploy / "k8s" / "overlays" / overlay)) {
    cluster.secrets["mlops-postgres/url"] = "postgresql://mlops@db.invalid:5432/mlops";
    cluster.secrets["mlops-postgres/password"] = "not-used";
    cluster.secrets["mlops-redis/url"] = "redis://redis.invalid:6379/0";
    for (const YAML::Node& object : rendered.objects) {
      if (object["kind"].as<std::string>() == "ConfigMap") {
        const std::string config = object["metadata"]["name"].as<std::string>();
        cluster.config_maps[config] = rendered.config_map(config);
      }
    }
    cluster.claims["mlops-state"] = root->path() / "mlops-state";
  }
  Pod pod(const Container& container, int index = 0) {
    static int count = 0;
    return Pod(root->path() / std::to_string(++count),
               Image::from_dockerfile(kDeploy / "Dockerfile"), cluster, container.pod,
               container.spec, index);
  }
};

class DeployOverlay : public ::testing::TestWithParam<std::string> {};

TEST_P(DeployOverlay, ContainersUseFilesKeysVariablesAndSecretsThatExist) {
  Overlay overlay(GetParam());
  const std::set<std::string> commands = subcommands();
  ASSERT_TRUE(commands.contains("batch-predict"));
  const auto workflows = overlay.cluster.config_maps.at("mlops-workflows");
  const auto configs = overlay.cluster.config_maps.at("mlops-configs");
  const std::string environment = overlay.cluster.config_maps.at("mlops-deploy").at("environment");
  EXPECT_TRUE(configs.contains("base.yaml"));
  EXPECT_TRUE(configs.contains(environment + ".yaml")) << environment;
  size_t checked = 0;
  for (const Container& container : containers_of(overlay.rendered)) {
    SCOPED_TRACE(container.owner + " " + container.name());
    const std::vector<std::string> command = container.command();
    ASSERT_GE(command.size(), 2u);
    EXPECT_EQ(command[0], "mlops");
    EXPECT_TRUE(commands.contains(command[1])) << command[1];
    const std::string workflow = container.flag("--workflow");
    if (!workflow.empty()) {
      EXPECT_TRUE(workflow.starts_with("workflows/")) << workflow;
      EXPECT_TRUE(workflows.contains(fs::path(workflow).filename().string())) << workflow;
    }
    std::set<std::string> defined;
    for (const YAML::Node& entry : container.spec["env"]) {
      const std::string name = entry["name"].as<std::string>();
      defined.insert(name);
      if (name.starts_with("MLOPS_")) {
        EXPECT_TRUE(is_config_variable(name)) << name << " is no config key's variable";
      } else {
        EXPECT_TRUE(kOtherVariables.contains(name)) << name;
      }
      EXPECT_NE(production_doc().find("`" + name + "`"), std::string::npos)
          << name << " is not explained in docs/production.md";
      const YAML::Node from =
          entry["valueFrom"] ? entry["valueFrom"] : YAML::Node(YAML::NodeType::Map);
      if (const YAML::Node secret = from["secretKeyRef"]) {
        // Created by hand (never committed): docs/production.md says how, with this key.
        const std::string create =
            "kubectl create secret generic " + secret["name"].as<std::string>();
        const size_t at = production_doc().find(create);
        ASSERT_NE(at, std::string::npos) << create;
        const std::string block =
            production_doc().substr(at, production_doc().find("\n\n", at) - at);
        EXPECT_NE(block.find("--from-literal=" + secret["key"].as<std::string>() + "="),
                  std::string::npos)
            << block;
      }
      if (const YAML::Node config = from["configMapKeyRef"]) {
        EXPECT_TRUE(overlay.cluster.config_maps.at(config["name"].as<std::string>())
                        .contains(config["key"].as<std::string>()));
      }
    }
    for (const std::string& arg : command) {
      for (const std::string& reference : references(arg)) {
        EXPECT_TRUE(defined.contains(reference)) << "$(" << reference << ") in " << arg;
      }
    }
    // Locked down: not root, no privilege escalation, a read-only root filesystem.
    EXPECT_TRUE(container.pod["securityContext"]["runAsNonRoot"].as<bool>());
    EXPECT_TRUE(container.spec["securityContext"]["readOnlyRootFilesystem"].as<bool>());
    EXPECT_FALSE(container.spec["securityContext"]["allowPrivilegeEscalation"].as<bool>());
    EXPECT_TRUE(container.spec["resources"]["requests"]["memory"].IsDefined());
    // The config loads in the pod's files with the pod's environment (tracker has no config).
    if (command[1] != "tracker") {
      Pod pod = overlay.pod(container);
      EXPECT_NO_THROW(config_in_force(pod.argv(), pod.env(), pod.workdir()));
    }
    ++checked;
  }
  EXPECT_EQ(checked, 6u);  // train, materialize, a shard, serve, tracker, a worker
}

TEST_P(DeployOverlay, ServeListensOnItsServicePortWithProbesAndAGracePeriodAboveTheDrain) {
  Overlay overlay(GetParam());
  const YAML::Node deployment = overlay.rendered.get("Deployment/mlops-serve");
  const YAML::Node service = overlay.rendered.get("Service/mlops-serve");
  const YAML::Node spec = pod_spec(deployment);
  const Container container{"Deployment/mlops-serve", spec, spec["containers"][0]};
  EXPECT_EQ(container.command()[1], "serve");
  EXPECT_EQ(container.flag("--host"), "0.0.0.0");  // reachable from the Service
  Pod pod = overlay.pod(container);
  const YAML::Node config = config_in_force(pod.argv(), pod.env(), pod.workdir());
  const int port = config["serve"]["port"].as<int>();
  const double drain = config["serve"]["drain_timeout"].as<double>();
  const YAML::Node container_port = container.spec["ports"][0];
  EXPECT_EQ(container_port["containerPort"].as<int>(), port);
  const std::string port_name = container_port["name"].as<std::string>();
  EXPECT_EQ(service["spec"]["ports"][0]["targetPort"].as<std::string>(), port_name);
  for (const auto& label : service["spec"]["selector"]) {
    EXPECT_EQ(deployment["spec"]["template"]["metadata"]["labels"][label.first.as<std::string>()]
                  .as<std::string>(),
              label.second.as<std::string>());
    EXPECT_EQ(deployment["spec"]["selector"]["matchLabels"][label.first.as<std::string>()]
                  .as<std::string>(),
              label.second.as<std::string>());
  }
  // The routes: /healthz answers while the process lives, /readyz once models and stores are
  // ready (both answered by the real server in deploy_commands_test).
  EXPECT_EQ(container.spec["livenessProbe"]["httpGet"]["path"].as<std::string>(), "/healthz");
  EXPECT_EQ(container.spec["readinessProbe"]["httpGet"]["path"].as<std::string>(), "/readyz");
  for (const char* probe : {"livenessProbe", "readinessProbe", "startupProbe"}) {
    EXPECT_EQ(container.spec[probe]["httpGet"]["port"].as<std::string>(), port_name) << probe;
  }
  EXPECT_GT(spec["terminationGracePeriodSeconds"].as<double>(), drain);
  EXPECT_GE(deployment["spec"]["replicas"].as<int>(), 1);
}

TEST_P(DeployOverlay, BatchPredictionScoresShardIndexOfItsCompletions) {
  Overlay overlay(GetParam());
  const YAML::Node cron = overlay.rendered.get("CronJob/mlops-batch-predict");
  const YAML::Node job = cron["spec"]["jobTemplate"]["spec"];
  const int shards = std::stoi(overlay.cluster.config_maps.at("mlops-deploy").at("shards"));
  EXPECT_EQ(job["completionMode"].as<std::string>(), "Indexed");
  EXPECT_EQ(job["completions"].as<int>(), shards);
  EXPECT_EQ(job["parallelism"].as<int>(), shards);
  const Container container{"CronJob/mlops-batch-predict", pod_spec(cron),
                            pod_spec(cron)["containers"][0]};
  EXPECT_EQ(container.command()[1], "batch-predict");
  EXPECT_EQ(container.flag("--shard"), "$(JOB_COMPLETION_INDEX)/$(SHARDS)");
  EXPECT_NE(container.flag("--output").find("$(JOB_COMPLETION_INDEX)"), std::string::npos);
  EXPECT_EQ(
      container.env("JOB_COMPLETION_INDEX")["valueFrom"]["fieldRef"]["fieldPath"].as<std::string>(),
      "metadata.annotations['batch.kubernetes.io/job-completion-index']");
  EXPECT_EQ(container.flag("--run"), "$(JOB_NAME)");
  EXPECT_EQ(container.env("JOB_NAME")["valueFrom"]["fieldRef"]["fieldPath"].as<std::string>(),
            "metadata.labels['batch.kubernetes.io/job-name']");
  EXPECT_EQ(container.env("SHARDS")["valueFrom"]["configMapKeyRef"]["key"].as<std::string>(),
            "shards");
  // The pod of index 3 of N scores `--shard 3/N`.
  Pod pod = overlay.pod(container, 3);
  const auto& argv = pod.argv();
  EXPECT_NE(std::find(argv.begin(), argv.end(), "3/" + std::to_string(shards)), argv.end());
  EXPECT_EQ(cron["spec"]["concurrencyPolicy"].as<std::string>(), "Forbid");
}

// (Was tests/unit/scaffold/deploy_manifests_test.cpp, on the manifests before the base.)
TEST_P(DeployOverlay, DistributedTrainingAgreesOnWorldSizePortAndRanks) {
  Overlay overlay(GetParam());
  const YAML::Node service = overlay.rendered.get("Service/mlops-tracker");
  const YAML::Node tracker = overlay.rendered.get("Job/mlops-tracker");
  const YAML::Node workers = overlay.rendered.get("Job/mlops-train-workers");
  const Container tracker_container{"Job/mlops-tracker", pod_spec(tracker),
                                    pod_spec(tracker)["containers"][0]};
  const Container worker{"Job/mlops-train-workers", pod_spec(workers),
                         pod_spec(workers)["containers"][0]};
  EXPECT_EQ(tracker_container.command()[1], "tracker");
  const int world = std::stoi(tracker_container.flag("--world-size"));
  EXPECT_GT(world, 1);
  EXPECT_EQ(service["spec"]["ports"][0]["targetPort"].as<std::string>(),
            tracker_container.flag("--port"));
  for (const auto& label : service["spec"]["selector"]) {
    EXPECT_EQ(tracker["spec"]["template"]["metadata"]["labels"][label.first.as<std::string>()]
                  .as<std::string>(),
              label.second.as<std::string>());
  }
  // Applying the overlay starts nothing: both Jobs wait to be unsuspended together.
  EXPECT_TRUE(tracker["spec"]["suspend"].as<bool>());
  EXPECT_TRUE(workers["spec"]["suspend"].as<bool>());
  EXPECT_EQ(workers["spec"]["completionMode"].as<std::string>(), "Indexed");
  EXPECT_EQ(workers["spec"]["completions"].as<int>(), world);
  EXPECT_EQ(workers["spec"]["parallelism"].as<int>(), world);  // all at once, or none joins
  EXPECT_EQ(workers["spec"]["backoffLimit"].as<int>(), 0);
  EXPECT_EQ(worker.command()[1], "train");
  EXPECT_EQ(worker.env("DMLC_NUM_WORKER")["value"].as<std::string>(), std::to_string(world));
  EXPECT_EQ(worker.env("DMLC_TRACKER_URI")["value"].as<std::string>(),
            service["metadata"]["name"].as<std::string>());
  EXPECT_EQ(worker.env("DMLC_TRACKER_PORT")["value"].as<std::string>(),
            service["spec"]["ports"][0]["port"].as<std::string>());
  EXPECT_EQ(worker.env("DMLC_TASK_ID")["valueFrom"]["fieldRef"]["fieldPath"].as<std::string>(),
            "metadata.annotations['batch.kubernetes.io/job-completion-index']");
  EXPECT_EQ(pod_spec(workers)["restartPolicy"].as<std::string>(), "Never");
  // The tracker runs XGBoost's Python tracker: the image target with python3-xgboost.
  const std::string image = tracker_container.spec["image"].as<std::string>();
  EXPECT_TRUE(image.ends_with("tracker")) << image;
  bool python = false;
  for (const std::string& package : stage_named(dockerfile(), "tracker").apt_packages()) {
    python = python || package == "python3-xgboost";
  }
  EXPECT_TRUE(python);
}

INSTANTIATE_TEST_SUITE_P(Overlays, DeployOverlay, ::testing::Values("test", "prod"));

/// The shape of an overlay: every field it sets, with the values left out.
std::vector<std::string> overlay_shape(const fs::path& dir) {
  const YAML::Node kustomization = YAML::LoadFile((dir / "kustomization.yaml").string());
  std::vector<std::string> shape;
  for (const auto& field : kustomization) shape.push_back(field.first.as<std::string>());
  for (const YAML::Node& resource : kustomization["resources"]) {
    shape.push_back("resource " + resource.as<std::string>());
  }
  for (const YAML::Node& image : kustomization["images"]) {
    shape.push_back("image " + image["name"].as<std::string>());
  }
  for (const YAML::Node& replica : kustomization["replicas"]) {
    shape.push_back("replicas " + replica["name"].as<std::string>());
  }
  for (const YAML::Node& generator : kustomization["configMapGenerator"]) {
    shape.push_back("configMap " + generator["name"].as<std::string>());
    for (const YAML::Node& literal : generator["literals"]) {
      const std::string text = literal.as<std::string>();
      shape.push_back("literal " + text.substr(0, text.find('=')));
    }
    EXPECT_FALSE(generator["files"]) << "an overlay changes values, not files";
  }
  for (const YAML::Node& patch : kustomization["patches"]) {
    const std::string target =
        patch["target"]["kind"].as<std::string>() + "/" + patch["target"]["name"].as<std::string>();
    for (const YAML::Node& operation : YAML::Load(patch["patch"].as<std::string>())) {
      shape.push_back("patch " + target + " " + operation["op"].as<std::string>() + " " +
                      operation["path"].as<std::string>());
    }
  }
  return shape;
}

TEST(DeployFiles, OverlaysDifferOnlyByValuesAndPatchOnlyWhatTheBaseHolds) {
  const fs::path overlays = kDeploy / "k8s" / "overlays";
  const std::vector<std::string> test = overlay_shape(overlays / "test");
  EXPECT_EQ(test, overlay_shape(overlays / "prod"));
  EXPECT_GT(test.size(), 10u);
  // Every patch replaces a path the base holds (the renderer refuses one that does not).
  const Rendered base = render_kustomization(kDeploy / "k8s" / "base");
  for (const std::string& entry : test) {
    if (!entry.starts_with("patch ")) continue;
    const std::vector<std::string> parts = words(entry);
    EXPECT_TRUE(at_pointer(base.get(parts[1]), parts[3]).IsDefined()) << entry;
  }
  // The config layer each overlay names is an environment of configs/; no Secret is in the
  // manifests (they are created by hand: docs/production.md).
  for (const char* name : {"test", "prod"}) {
    const Rendered rendered = render_kustomization(overlays / name);
    for (const YAML::Node& object : rendered.objects) {
      EXPECT_NE(object["kind"].as<std::string>(), "Secret") << object_id(object);
    }
    const std::string environment = rendered.config_map("mlops-deploy").at("environment");
    EXPECT_TRUE(fs::exists(kRepo / "configs" / (environment + ".yaml"))) << name;
    for (const fs::path& file : rendered.generator_files) {
      EXPECT_TRUE(fs::exists(file)) << file;
    }
  }
  EXPECT_NE(render_kustomization(overlays / "test").config_map("mlops-deploy"),
            render_kustomization(overlays / "prod").config_map("mlops-deploy"));
}

TEST(DeployFiles, ComposeStackReferencesServicesFilesKeysAndThePortThatExist) {
  const YAML::Node compose = YAML::LoadFile((kDeploy / "compose.yaml").string());
  const YAML::Node services = compose["services"];
  std::set<std::string> names;
  for (const auto& service : services) names.insert(service.first.as<std::string>());
  for (const char* needed : {"postgres", "redis", "train", "materialize", "serve"}) {
    EXPECT_TRUE(names.contains(needed)) << needed;
  }
  EXPECT_NO_THROW(compose_start_order(compose));
  const std::set<std::string> commands = subcommands();
  std::set<std::string> images;
  const std::map<std::string, std::string> shell;  // no MLOPS_DB_PASSWORD: the default
  for (const auto& entry : services) {
    const std::string name = entry.first.as<std::string>();
    const YAML::Node service = entry.second;
    SCOPED_TRACE(name);
    for (const auto& dependency : service["depends_on"]) {
      const std::string on = dependency.first.as<std::string>();
      ASSERT_TRUE(names.contains(on)) << on;
      const std::string condition = dependency.second["condition"].as<std::string>();
      if (services[on]["healthcheck"]) {
        EXPECT_EQ(condition, "service_healthy") << on;
      } else {
        EXPECT_EQ(condition, "service_completed_successfully") << on;
        EXPECT_EQ(services[on]["restart"].as<std::string>(), "no") << on << " runs once";
      }
    }
    for (const YAML::Node& volume : service["volumes"]) {
      const std::string source =
          volume.as<std::string>().substr(0, volume.as<std::string>().find(':'));
      if (source.starts_with(".")) {
        EXPECT_TRUE(fs::is_directory(kDeploy / source)) << source;
      } else {
        EXPECT_TRUE(compose["volumes"][source].IsDefined()) << source;
      }
    }
    if (service["build"]) {
      EXPECT_TRUE(fs::exists(kDeploy / service["build"]["context"].as<std::string>() /
                             service["build"]["dockerfile"].as<std::string>()));
    }
    if (!service["image"].as<std::string>().starts_with("mlops")) continue;
    images.insert(service["image"].as<std::string>());
    const std::vector<std::string> command = service["command"].as<std::vector<std::string>>();
    EXPECT_TRUE(commands.contains(command.at(0))) << command.at(0);
    const auto environment = compose_environment(service, shell);
    for (const auto& variable : environment) {
      if (variable.first.starts_with("MLOPS_")) {
        EXPECT_TRUE(is_config_variable(variable.first)) << variable.first;
      } else {
        EXPECT_TRUE(kOtherVariables.contains(variable.first)) << variable.first;
      }
      // A URL's host is a service of the stack (compose's network names them).
      const size_t scheme = variable.second.find("://");
      if (scheme != std::string::npos) {
        std::string authority = variable.second.substr(scheme + 3);
        authority = authority.substr(0, authority.find('/'));
        authority = authority.substr(authority.find('@') + 1);
        EXPECT_TRUE(names.contains(authority.substr(0, authority.find(':')))) << variable.second;
      }
    }
    if (command.at(0) != "serve") continue;
    // The published port is serve.port; the health check asks /readyz.
    std::vector<std::string> argv{"mlops"};
    argv.insert(argv.end(), command.begin(), command.end());
    YAML::Node pod_spec, container;
    container["command"] = argv;
    for (const auto& variable : environment) {
      YAML::Node env;
      env["name"] = variable.first;
      env["value"] = variable.second;
      container["env"].push_back(env);
    }
    TempDir root;
    Pod pod(root.path(), Image::from_dockerfile(kDeploy / "Dockerfile"), Cluster{}, pod_spec,
            container);
    const YAML::Node config = config_in_force(pod.argv(), pod.env(), pod.workdir());
    const std::string published = service["ports"][0].as<std::string>();
    EXPECT_EQ(published.substr(published.rfind(':') + 1),
              std::to_string(config["serve"]["port"].as<int>()));
    EXPECT_NE(std::find(command.begin(), command.end(), "0.0.0.0"), command.end());
    std::string check;
    for (const YAML::Node& part : service["healthcheck"]["test"])
      check += part.as<std::string>() + " ";
    EXPECT_NE(check.find("GET /readyz "), std::string::npos) << check;
    EXPECT_NE(check.find("/" + std::to_string(config["serve"]["port"].as<int>()) + " "),
              std::string::npos)
        << check;
    const std::string grace = service["stop_grace_period"].as<std::string>();
    EXPECT_GT(std::stod(grace), config["serve"]["drain_timeout"].as<double>());
  }
  EXPECT_EQ(images.size(), 1u);  // one image, built once
}

TEST(DeployFiles, ProductionDocSaysHowToBuildRenderApplyAndRunThem) {
  for (const char* text :
       {"docker build -f deploy/Dockerfile", "--target tracker",
        "kubectl kustomize --load-restrictor LoadRestrictionsNone deploy/k8s/overlays/prod",
        "docker compose -f deploy/compose.yaml up", "deploy/k8s/overlays/test"}) {
    EXPECT_NE(production_doc().find(text), std::string::npos) << text;
  }
}

}  // namespace
}  // namespace mlops::testing::deploy

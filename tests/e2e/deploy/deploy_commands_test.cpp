// Every command line and environment variable of deploy/ run by the built binary, as the pods
// and services would run them, against the test run's PostgreSQL server and a redis-server of
// the test's own: the Kubernetes overlays (test and prod) rendered from deploy/k8s (the daily
// training CronJob, the sharded batch-prediction CronJob's Indexed Job, the serve Deployment
// and its probes, the distributed training's tracker and workers) and deploy/compose.yaml's
// one-shot training, materialization and serve. The command lines come from the manifests
// (tests/e2e/deploy/pod_runner.h changes only paths, and the test changes only serve's port);
// the Secrets the manifests reference hold this test's store URLs.

#include <gtest/gtest.h>

#include <thread>

#include "cli_runner.h"
#include "deploy/compose.h"
#include "deploy/pod_runner.h"
#include "mlops/store/postgres/pg_connection.h"
#include "serve_process.h"
#include "support/optional_tool.h"
#include "support/postgres_server.h"
#include "support/redis_server.h"

namespace mlops::testing::deploy {
namespace {

using json = nlohmann::json;

/// The rows of a CSV file (header excluded).
size_t data_rows(const fs::path& file) {
  return count_lines(slurp(file)) - 1;
}

/// A stack under test: the PostgreSQL database, the redis-server, a directory for volumes
/// and logs.
class DeployCommands : public ::testing::Test {
 protected:
  void SetUp() override {
    MLOPS_REQUIRE_TOOL(PostgresServer::available(), "PostgreSQL (package postgresql)");
    MLOPS_REQUIRE_TOOL(RedisServer::available(), "redis-server");
    url_ = PostgresServer::shared().create_database();
    db_ = url_.substr(url_.rfind('/') + 1);
    redis_ = std::make_unique<RedisServer>();
    fs::create_directories(dir_.path() / "logs");
  }

  int64_t scalar(const std::string& sql) {
    PgConnection db(parse_postgres_url(url_, "test"), "test");
    return db.query(sql).integer(0, 0);
  }

  /// `mlops models list MODEL --format json` against the database.
  json versions(const std::string& model) {
    const CliResult listed = run_mlops("models list " + model + " --format json", dir_,
                                       "MLOPS_STORE__URL='" + url_ + "'");
    EXPECT_EQ(listed.exit_code, 0) << listed.err;
    return json::parse(listed.out, nullptr, false);
  }

  /// Runs `pod` to its end; fails the test with its output when it exits non-zero or wrote
  /// outside its volumes (the manifests' pods have a read-only root filesystem).
  void run_ok(const Pod& pod, const std::string& label) {
    const Finished finished = pod.run(dir_.path() / "logs", label);
    EXPECT_EQ(pod.written_outside_volumes(), std::vector<std::string>{}) << label;
    ASSERT_EQ(finished.exit_code, 0) << label << " failed: " << fmt_argv(pod) << "\n"
                                     << finished.err << finished.out;
  }

  static std::string fmt_argv(const Pod& pod) {
    std::string text;
    for (const std::string& arg : pod.argv()) text += arg + " ";
    return text;
  }

  /// Starts serve from `pod` (its port made free: `--port 0`), checks the container's probes
  /// and a prediction for the row of `entities`' first line, and stops it.
  void serve_answers(const Pod& pod, const YAML::Node& container) {
    const std::vector<std::string>& argv = pod.argv();
    ASSERT_GE(argv.size(), 2u);
    ASSERT_EQ(argv[1], "serve");
    std::string args;
    for (size_t i = 2; i < argv.size(); ++i) {
      ASSERT_EQ(argv[i].find(' '), std::string::npos) << argv[i];
      args += argv[i] + " ";
    }
    std::vector<std::string> env;
    for (const auto& entry : pod.env()) env.push_back(entry.first + "=" + entry.second);
    ServeProcess server(pod.workdir().string(), args, dir_, env);
    ASSERT_TRUE(server.started()) << server.err();
    auto client = server.client();
    for (const char* probe : {"livenessProbe", "readinessProbe", "startupProbe"}) {
      if (!container[probe]) continue;
      const std::string path = container[probe]["httpGet"]["path"].as<std::string>();
      const auto answer = client->Get(path.c_str());
      ASSERT_TRUE(answer) << path;
      EXPECT_EQ(answer->status, 200) << probe << " " << path << ": " << answer->body;
    }
    // A flight as the entity file gives it, and an entity key (its airport's features read
    // from Redis, written by the materialize step).
    const json row = {{"flight_id", 71},
                      {"origin", "LAX"},
                      {"departure", "2001-01-01 00:46:00"},
                      {"distance", 2217}};
    const auto predicted = server.predict("flight-delay-features", json{{"rows", {row}}}.dump());
    ASSERT_TRUE(predicted);
    ASSERT_EQ(predicted->status, 200) << predicted->body;
    const json answer = json::parse(predicted->body)["predictions"][0];
    EXPECT_EQ(answer["source"], "model") << predicted->body;
    EXPECT_TRUE(answer["probability"].is_number()) << predicted->body;
    const auto by_key =
        server.predict("flight-delay-features", json{{"key", {{"origin", "ATL"}}}}.dump());
    ASSERT_TRUE(by_key);
    EXPECT_EQ(by_key->status, 200) << by_key->body;
    EXPECT_EQ(server.stop(), 0) << server.err();
    EXPECT_EQ(pod.written_outside_volumes(), std::vector<std::string>{}) << "serve";
  }

  /// The database password (from the Secret) is in no pod's output, log or file.
  // What the pods see: the Secrets (the test PostgreSQL and Redis), every rendered ConfigMap,
  // and the volume mlops-state holding the input files (docs/production.md: copy them there).
  Cluster cluster_for(const Rendered& rendered) {
    Cluster cluster;
    cluster.secrets["mlops-postgres/url"] = PostgresServer::shared().url_without_password(db_);
    cluster.secrets["mlops-postgres/password"] = PostgresServer::shared().password();
    cluster.secrets["mlops-redis/url"] = redis_->url(0);
    for (const YAML::Node& object : rendered.objects) {
      if (object["kind"].as<std::string>() == "ConfigMap") {
        const std::string name = object["metadata"]["name"].as<std::string>();
        cluster.config_maps[name] = rendered.config_map(name);
      }
    }
    cluster.claims["mlops-state"] = dir_.path() / "volumes" / "mlops-state";
    fs::create_directories(cluster.claims["mlops-state"]);
    fs::copy(kRepo / "data", cluster.claims["mlops-state"] / "data", fs::copy_options::recursive);
    return cluster;
  }

  // A pod of `object` running `container`, in a directory of its own.
  Pod make_pod(const Image& image, const Cluster& cluster, const YAML::Node& object,
               const YAML::Node& container, int index = 0) {
    return Pod(dir_.path() / "pods" / std::to_string(++pods_), image, cluster, pod_spec(object),
               container, index);
  }

  void expect_password_never_written() {
    const std::string password = PostgresServer::shared().password();
    size_t files = 0;
    for (const auto& entry : fs::recursive_directory_iterator(dir_.path())) {
      if (!entry.is_regular_file()) continue;
      EXPECT_EQ(slurp(entry.path()).find(password), std::string::npos) << entry.path();
      ++files;
    }
    EXPECT_GT(files, 20u);
  }

  TempDir dir_;
  std::string url_, db_;
  std::unique_ptr<RedisServer> redis_;
  int pods_ = 0;
};

class KubernetesOverlay : public DeployCommands,
                          public ::testing::WithParamInterface<std::string> {};

TEST_P(KubernetesOverlay, TrainBatchPredictInShardsAndServeAsThePodsWould) {
  const Rendered rendered = render_kustomization(kDeploy / "k8s" / "overlays" / GetParam());
  const Image image = Image::from_dockerfile(kDeploy / "Dockerfile");
  const Cluster cluster = cluster_for(rendered);
  auto pod = [&](const YAML::Node& object, const YAML::Node& container, int index = 0) {
    return make_pod(image, cluster, object, container, index);
  };

  // The daily training: its init containers, then its containers, one after the other.
  const YAML::Node train = rendered.get("CronJob/mlops-train");
  for (const YAML::Node& container : pod_containers(pod_spec(train))) {
    run_ok(pod(train, container), "train-" + container["name"].as<std::string>());
    if (HasFatalFailure()) return;
  }
  json registered = versions("flight-delay-features");
  ASSERT_EQ(registered.size(), 1u) << registered.dump();
  EXPECT_EQ(registered[0]["version"], 1);
  // materialize wrote the airport features to Redis (db 0 of the test's server).
  const CliResult looked_up = run_mlops(
      "features get airport_delays --key origin=ATL --workflow "
      "workflows/flight-delay-features.yaml "
      "--format json --set online_store.url=" +
          redis_->url(0),
      dir_);
  EXPECT_EQ(looked_up.exit_code, 0) << looked_up.err << looked_up.out;
  EXPECT_NE(looked_up.out.find("mean_delay"), std::string::npos) << looked_up.out;

  // The batch prediction: every index of the Indexed Job at once.
  const YAML::Node batch = rendered.get("CronJob/mlops-batch-predict");
  const YAML::Node job = batch["spec"]["jobTemplate"]["spec"];
  const int shards = job["completions"].as<int>();
  ASSERT_EQ(job["completionMode"].as<std::string>(), "Indexed");
  const int64_t logged_before = scalar("SELECT COUNT(*) FROM prediction_log");
  std::vector<Started> started;
  std::vector<std::unique_ptr<Pod>> shard_pods;
  for (int index = 0; index < shards; ++index) {
    const YAML::Node container = pod_spec(batch)["containers"][0];
    shard_pods.push_back(std::make_unique<Pod>(pod(batch, container, index)));
    EXPECT_NE(std::find(shard_pods.back()->argv().begin(), shard_pods.back()->argv().end(),
                        std::to_string(index) + "/" + std::to_string(shards)),
              shard_pods.back()->argv().end());
    started.push_back(
        shard_pods.back()->start(dir_.path() / "logs", "shard-" + std::to_string(index)));
  }
  size_t scored = 0;
  for (int index = 0; index < shards; ++index) {
    const Finished finished = Pod::wait(started[index]);
    EXPECT_EQ(finished.exit_code, 0) << "shard " << index << ": " << finished.err;
    EXPECT_EQ(shard_pods[index]->written_outside_volumes(), std::vector<std::string>{});
    const fs::path output =
        shard_pods[index]->host("/srv/mlops/predictions/shard-" + std::to_string(index) + ".csv");
    ASSERT_TRUE(fs::exists(output)) << output;
    scored += data_rows(output);
  }
  const size_t input_rows = data_rows(kRepo / "data" / "flight-entities.csv");
  EXPECT_EQ(scored, input_rows);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM prediction_log") - logged_before,
            static_cast<int64_t>(input_rows));
  // The shards joined one run, named after the Job: the tracking store records every one.
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM run_shards WHERE run_id = '" + Cluster().job_name + "'"),
            shards);

  // A serve replica: probes answer, a prediction comes from the model.
  const YAML::Node serve = rendered.get("Deployment/mlops-serve");
  serve_answers(pod(serve, pod_spec(serve)["containers"][0]), pod_spec(serve)["containers"][0]);
  expect_password_never_written();
}

INSTANTIATE_TEST_SUITE_P(Overlays, KubernetesOverlay, ::testing::Values("test", "prod"));

TEST_F(DeployCommands, DistributedTrainingTrackerAndWorkersRegisterOneVersion) {
  const Rendered rendered = render_kustomization(kDeploy / "k8s" / "overlays" / "prod");
  const Image image = Image::from_dockerfile(kDeploy / "Dockerfile");
  const Cluster cluster = cluster_for(rendered);
  auto pod = [&](const YAML::Node& object, const YAML::Node& container, int index = 0) {
    return make_pod(image, cluster, object, container, index);
  };
  // The daily training's run is the one the workers train in.
  const YAML::Node train = rendered.get("CronJob/mlops-train");
  run_ok(pod(train, pod_spec(train)["initContainers"][0]), "train");
  if (HasFatalFailure()) return;

  const YAML::Node tracker_job = rendered.get("Job/mlops-tracker");
  const YAML::Node workers_job = rendered.get("Job/mlops-train-workers");
  const YAML::Node service = rendered.get("Service/mlops-tracker");
  Pod tracker = pod(tracker_job, pod_spec(tracker_job)["containers"][0]);
  const Started tracker_process = tracker.start(dir_.path() / "logs", "tracker");
  ASSERT_GT(tracker_process.pid, 0);
  // The Service's name resolves to the tracker's pod: here, this machine.
  std::vector<std::unique_ptr<Pod>> workers;
  std::vector<Started> started;
  const int world = workers_job["spec"]["completions"].as<int>();
  for (int rank = 0; rank < world; ++rank) {
    workers.push_back(
        std::make_unique<Pod>(pod(workers_job, pod_spec(workers_job)["containers"][0], rank)));
    ASSERT_EQ(workers.back()->env().at("DMLC_TRACKER_URI"),
              service["metadata"]["name"].as<std::string>());
    workers.back()->set_env("DMLC_TRACKER_URI", "127.0.0.1");
    // One machine's 2 cores stand for 4 pods' 8: the manifest's OMP_WAIT_POLICY=passive keeps
    // OpenMP threads from spinning at barriers (docs/training.md).
    started.push_back(
        workers.back()->start(dir_.path() / "logs", "worker-" + std::to_string(rank)));
  }
  for (int rank = 0; rank < world; ++rank) {
    const Finished finished = Pod::wait(started[rank]);
    EXPECT_EQ(finished.exit_code, 0) << "worker " << rank << ": " << finished.err;
    EXPECT_EQ(workers[rank]->written_outside_volumes(), std::vector<std::string>{});
  }
  const Finished tracker_finished = Pod::wait(tracker_process);
  EXPECT_EQ(tracker_finished.exit_code, 0) << tracker_finished.err << tracker_finished.out;
  EXPECT_EQ(tracker.written_outside_volumes(), std::vector<std::string>{});
  const json registered = versions("flight-delay-features");
  ASSERT_EQ(registered.size(), 2u) << registered.dump();
  EXPECT_EQ(registered[1]["version"], 2);
}

TEST_F(DeployCommands, ComposeTrainsMaterializesAndServes) {
  const YAML::Node compose = YAML::LoadFile((kDeploy / "compose.yaml").string());
  const Image image = Image::from_dockerfile(kDeploy / "Dockerfile");
  // The shell compose interpolates from: the database password of this test's server.
  const std::map<std::string, std::string> shell{
      {"MLOPS_DB_PASSWORD", PostgresServer::shared().password()}};
  // Compose's network: the service names postgres and redis are this test's servers.
  const std::string postgres_address =
      "127.0.0.1:" + std::to_string(PostgresServer::shared().port()) + "/" + db_;
  const std::string redis_address = "127.0.0.1:" + std::to_string(redis_->port());
  Cluster cluster;
  int services_run = 0;
  bool served = false;
  for (const std::string& name : compose_start_order(compose)) {
    const YAML::Node service = compose["services"][name];
    if (!service["image"].as<std::string>().starts_with("mlops")) continue;
    // The service as a container spec: environment, volumes (a named volume or a bind mount
    // is a directory shared by the services that mount it), entrypoint mlops + command.
    YAML::Node pod_spec, container;
    container["name"] = name;
    std::vector<std::string> command{"mlops"};
    for (const YAML::Node& arg : service["command"]) command.push_back(arg.as<std::string>());
    container["command"] = command;
    for (const auto& entry : compose_environment(service, shell)) {
      std::string value = entry.second;
      for (const auto& [from, to] : std::vector<std::pair<std::string, std::string>>{
               {"@postgres:5432/mlops", "@" + postgres_address},
               {"//redis:6379", "//" + redis_address}}) {
        if (const size_t at = value.find(from); at != std::string::npos) {
          value.replace(at, from.size(), to);
        }
      }
      YAML::Node env;
      env["name"] = entry.first;
      env["value"] = value;
      container["env"].push_back(env);
    }
    for (const YAML::Node& volume : service["volumes"]) {
      const std::vector<std::string> parts = [&] {
        std::vector<std::string> out;
        std::stringstream in(volume.as<std::string>());
        for (std::string part; std::getline(in, part, ':');) out.push_back(part);
        return out;
      }();
      const std::string claim = parts[0];
      if (!cluster.claims.contains(claim)) {
        cluster.claims[claim] = dir_.path() / "volumes" / std::to_string(cluster.claims.size());
        fs::create_directories(cluster.claims[claim]);
        if (claim.starts_with(".")) {  // a bind mount: the files it shows
          ASSERT_TRUE(fs::is_directory(kDeploy / claim)) << claim;
          fs::copy(kDeploy / claim, cluster.claims[claim], fs::copy_options::recursive);
        }
      }
      YAML::Node mount, spec_volume;
      mount["name"] = claim;
      mount["mountPath"] = parts[1];
      container["volumeMounts"].push_back(mount);
      spec_volume["name"] = claim;
      spec_volume["persistentVolumeClaim"]["claimName"] = claim;
      pod_spec["volumes"].push_back(spec_volume);
    }
    // Docker mounts an anonymous volume at each VOLUME of the image the service leaves free.
    for (const std::string& path : image.volumes) {
      bool mounted = false;
      for (const YAML::Node& mount : container["volumeMounts"]) {
        mounted = mounted || mount["mountPath"].as<std::string>() == path;
      }
      if (mounted) continue;
      YAML::Node mount, spec_volume;
      mount["name"] = "anonymous" + path;
      mount["mountPath"] = path;
      container["volumeMounts"].push_back(mount);
      spec_volume["name"] = "anonymous" + path;
      spec_volume["emptyDir"] = YAML::Node(YAML::NodeType::Map);
      pod_spec["volumes"].push_back(spec_volume);
    }
    Pod pod(dir_.path() / "containers" / name, image, cluster, pod_spec, container);
    if (command[1] == "serve") {
      serve_answers(pod, YAML::Node());
      served = true;
    } else {
      run_ok(pod, "compose-" + name);
    }
    if (HasFatalFailure()) return;
    ++services_run;
  }
  EXPECT_EQ(services_run, 3);
  EXPECT_TRUE(served);
  expect_password_never_written();
  const json registered = versions("flight-delay-features");
  ASSERT_EQ(registered.size(), 1u) << registered.dump();
}

}  // namespace
}  // namespace mlops::testing::deploy

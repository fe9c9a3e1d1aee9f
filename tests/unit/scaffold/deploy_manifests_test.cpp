// The Kubernetes manifests of deploy/k8s/ parsed with yaml-cpp: the distributed training's
// tracker Service, tracker and Indexed Job of workers agree on the world size and the port,
// each worker's rank is its completion index, and the sharded batch prediction scores shard
// K/N with N its completions. Nothing here talks to a cluster.

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace mlops {
namespace {

namespace fs = std::filesystem;

const fs::path kK8s = fs::path(MLOPS_SOURCE_DIR) / "deploy" / "k8s";
const std::string kIndexAnnotation =
    "metadata.annotations['batch.kubernetes.io/job-completion-index']";

std::map<std::string, YAML::Node> by_kind_and_name(const fs::path& file) {
  std::map<std::string, YAML::Node> out;
  for (const YAML::Node& document : YAML::LoadAllFromFile(file.string())) {
    out[document["kind"].as<std::string>() + "/" + document["metadata"]["name"].as<std::string>()] =
        document;
  }
  return out;
}

std::vector<std::string> command_of(const YAML::Node& job) {
  return job["spec"]["template"]["spec"]["containers"][0]["command"].as<std::vector<std::string>>();
}

std::string flag_value(const std::vector<std::string>& command, const std::string& flag) {
  for (size_t i = 0; i + 1 < command.size(); ++i) {
    if (command[i] == flag) return command[i + 1];
  }
  return "";
}

YAML::Node env_var(const YAML::Node& job, const std::string& name) {
  for (const YAML::Node& entry : job["spec"]["template"]["spec"]["containers"][0]["env"]) {
    if (entry["name"].as<std::string>() == name) return entry;
  }
  return YAML::Node();
}

TEST(DeployManifests, DistributedTrainingAgreesOnWorldSizePortAndRanks) {
  auto objects = by_kind_and_name(kK8s / "train-distributed.yaml");
  ASSERT_TRUE(objects.contains("Service/mlops-tracker"));
  ASSERT_TRUE(objects.contains("Job/mlops-tracker"));
  ASSERT_TRUE(objects.contains("Job/mlops-train"));
  const YAML::Node service = objects["Service/mlops-tracker"];
  const YAML::Node tracker = objects["Job/mlops-tracker"];
  const YAML::Node workers = objects["Job/mlops-train"];

  const std::vector<std::string> tracker_command = command_of(tracker);
  ASSERT_GE(tracker_command.size(), 2u);
  EXPECT_EQ(tracker_command[1], "tracker");
  const int world = std::stoi(flag_value(tracker_command, "--world-size"));
  const std::string port = flag_value(tracker_command, "--port");
  EXPECT_GT(world, 1);
  EXPECT_EQ(service["spec"]["ports"][0]["targetPort"].as<std::string>(), port);
  for (const auto& label : service["spec"]["selector"]) {
    EXPECT_EQ(tracker["spec"]["template"]["metadata"]["labels"][label.first.as<std::string>()]
                  .as<std::string>(),
              label.second.as<std::string>());
  }

  EXPECT_EQ(workers["spec"]["completionMode"].as<std::string>(), "Indexed");
  EXPECT_EQ(workers["spec"]["completions"].as<int>(), world);
  EXPECT_EQ(workers["spec"]["parallelism"].as<int>(), world);  // all at once, or none joins
  EXPECT_EQ(workers["spec"]["backoffLimit"].as<int>(), 0);
  EXPECT_EQ(command_of(workers)[1], "train");
  EXPECT_EQ(env_var(workers, "DMLC_NUM_WORKER")["value"].as<std::string>(), std::to_string(world));
  EXPECT_EQ(env_var(workers, "DMLC_TRACKER_URI")["value"].as<std::string>(),
            service["metadata"]["name"].as<std::string>());
  EXPECT_EQ(env_var(workers, "DMLC_TRACKER_PORT")["value"].as<std::string>(),
            service["spec"]["ports"][0]["port"].as<std::string>());
  EXPECT_EQ(
      env_var(workers, "DMLC_TASK_ID")["valueFrom"]["fieldRef"]["fieldPath"].as<std::string>(),
      kIndexAnnotation);
  EXPECT_EQ(workers["spec"]["template"]["spec"]["restartPolicy"].as<std::string>(), "Never");
}

TEST(DeployManifests, ShardedBatchPredictionScoresShardIndexOfCompletions) {
  auto objects = by_kind_and_name(kK8s / "batch-predict-sharded.yaml");
  ASSERT_TRUE(objects.contains("Job/mlops-batch-predict"));
  const YAML::Node job = objects["Job/mlops-batch-predict"];
  EXPECT_EQ(job["spec"]["completionMode"].as<std::string>(), "Indexed");
  const int shards = job["spec"]["completions"].as<int>();
  const std::vector<std::string> command = command_of(job);
  EXPECT_EQ(command[1], "batch-predict");
  EXPECT_EQ(flag_value(command, "--shard"), "$(SHARD)/" + std::to_string(shards));
  EXPECT_NE(flag_value(command, "--output").find("$(SHARD)"), std::string::npos);
  EXPECT_EQ(env_var(job, "SHARD")["valueFrom"]["fieldRef"]["fieldPath"].as<std::string>(),
            kIndexAnnotation);
}

}  // namespace
}  // namespace mlops

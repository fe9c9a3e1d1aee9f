// The per-stage fingerprint: which config keys each stage depends on, stable across key order
// and comments, secrets hashed masked, inputs hashed by content, changes described by name.

#include "mlops/pipeline/stage_fingerprint.h"

#include <gtest/gtest.h>

#include "mlops/config/loader.h"
#include "mlops/pipeline/workflow_check.h"
#include "support/temp_dir.h"

namespace mlops {
namespace {

constexpr const char* kWorkflow =
    "name: w\n"
    "ingest: {source: {path: data.csv}}\n"
    "featurize: {label: {column: y}}\n"
    "train: {objective: 'binary:logistic', rounds: 20, params: {max_depth: 3}}\n";

Workflow load(const testing::TempDir& dir, const std::string& text,
              std::vector<std::string> overrides = {}, const std::string& token = "") {
  LoadOptions options;
  options.config_dir = dir.file("no-configs");
  options.workflow_path = dir.write("wf.yaml", text);
  options.overrides = std::move(overrides);
  options.getenv = [token](const std::string& name) -> std::optional<std::string> {
    if (name == "TOKEN" && !token.empty()) return token;
    return std::nullopt;
  };
  return load_checked_workflow(options);
}

StageFingerprint fingerprint(const Workflow& workflow, Stage stage,
                             const std::optional<std::string>& root) {
  return stage_fingerprint(workflow, stage, [root](Stage) { return root; });
}

TEST(StageFingerprint, ConfigIgnoresKeyOrderAndComments) {
  testing::TempDir dir;
  const Workflow a = load(dir, kWorkflow);
  const Workflow b = load(dir,
                          "# the same workflow, reordered\n"
                          "train: {params: {max_depth: 3}, rounds: 20,  objective: "
                          "'binary:logistic'}  # comment\n"
                          "featurize: {label: {column: y}}\n"
                          "name: w\n"
                          "ingest: {source: {path: data.csv}}\n");
  for (Stage stage : all_stages()) {
    EXPECT_EQ(stage_config(a.tree, stage), stage_config(b.tree, stage)) << stage_name(stage);
  }
}

TEST(StageFingerprint, EachStageSeesOnlyTheKeysItReads) {
  testing::TempDir dir;
  const Workflow before = load(dir, kWorkflow);
  const Workflow after = load(dir, kWorkflow, {"train.rounds=30"});
  EXPECT_EQ(stage_config(before.tree, Stage::kIngest), stage_config(after.tree, Stage::kIngest));
  EXPECT_EQ(stage_config(before.tree, Stage::kFeaturize),
            stage_config(after.tree, Stage::kFeaturize));
  EXPECT_EQ(stage_config(before.tree, Stage::kValidate),
            stage_config(after.tree, Stage::kValidate));
  EXPECT_NE(stage_config(before.tree, Stage::kTrain), stage_config(after.tree, Stage::kTrain));
  EXPECT_TRUE(stage_config(before.tree, Stage::kTrain).count("train.rounds"));
  // The split is decided by featurize: a new seed or holdout reruns it.
  const Workflow split = load(dir, kWorkflow, {"train.split.holdout=0.3"});
  EXPECT_NE(stage_config(before.tree, Stage::kFeaturize),
            stage_config(split.tree, Stage::kFeaturize));
  const Workflow seeded = load(dir, kWorkflow, {"seed=7"});
  EXPECT_NE(stage_config(before.tree, Stage::kTrain), stage_config(seeded.tree, Stage::kTrain));
  // export-report reads no config: it always runs.
  EXPECT_TRUE(stage_config(before.tree, Stage::kReport).empty());
}

TEST(StageFingerprint, RebuildIsNotPartOfIngestConfig) {
  testing::TempDir dir;
  const Workflow plain = load(dir, kWorkflow);
  const Workflow rebuild = load(dir, kWorkflow, {"ingest.rebuild=true"});
  EXPECT_EQ(stage_config(plain.tree, Stage::kIngest), stage_config(rebuild.tree, Stage::kIngest));
  dir.write("data.csv", "x,y\n1,0\n");
  const Workflow absolute =
      load(dir, "name: w\ningest: {source: {path: " + dir.file("data.csv") + "}}\n",
           {"ingest.rebuild=true"});
  EXPECT_EQ(fingerprint(absolute, Stage::kIngest, std::nullopt).always_runs,
            "--rebuild replays the raw layer");
}

TEST(StageFingerprint, SecretsAreHashedMaskedNeverStored) {
  testing::TempDir dir;
  const std::string http =
      "name: w\n"
      "ingest:\n"
      "  source:\n"
      "    type: http\n"
      "    url: https://example.com/items\n"
      "    headers: {Authorization: 'Bearer ${TOKEN}'}\n";
  const Workflow one = load(dir, http, {}, "s3cr3t-token-one");
  const Workflow two = load(dir, http, {}, "s3cr3t-token-two");
  const auto config = stage_config(one.tree, Stage::kIngest);
  // A rotated token does not make ingest stale, and neither value is in what is recorded.
  EXPECT_EQ(config, stage_config(two.tree, Stage::kIngest));
  const StageFingerprint recorded = fingerprint(one, Stage::kIngest, std::nullopt);
  EXPECT_EQ(recorded.to_json().dump().find("s3cr3t"), std::string::npos);
  EXPECT_EQ(recorded.always_runs, "source 'w' is http: each fetch is new work");
}

TEST(StageFingerprint, InputsAreContentHashesNamedRelativeToTheRun) {
  testing::TempDir dir;
  const Workflow workflow = load(dir, kWorkflow);
  dir.write("run-a/ingest/clean.csv", "x,y\n1,0\n");
  dir.write("run-b/ingest/clean.csv", "x,y\n1,0\n");
  const StageFingerprint a = fingerprint(workflow, Stage::kFeaturize, dir.file("run-a"));
  const StageFingerprint b = fingerprint(workflow, Stage::kFeaturize, dir.file("run-b"));
  ASSERT_TRUE(a.inputs.count("ingest/clean.csv"));
  EXPECT_TRUE(compare_fingerprints(a, b).empty());  // same bytes in another run: unchanged

  dir.write("run-b/ingest/clean.csv", "x,y\n1,0\n2,1\n");
  const StageFingerprint changed = fingerprint(workflow, Stage::kFeaturize, dir.file("run-b"));
  const FingerprintChanges changes = compare_fingerprints(a, changed);
  EXPECT_EQ(changes.inputs, std::vector<std::string>{"ingest/clean.csv"});
  EXPECT_EQ(changes.describe(a, changed),
            std::vector<std::string>{"input changed: ingest/clean.csv"});
  EXPECT_EQ(fingerprint(workflow, Stage::kFeaturize, std::nullopt).inputs.at("ingest/clean.csv"),
            "missing");
}

TEST(StageFingerprint, FileSourceHashesEveryMatchingFile) {
  testing::TempDir dir;
  const Workflow workflow =
      load(dir, "name: w\ningest: {source: {path: " + dir.file("in/*.csv") + "}}\n");
  dir.write("in/a.csv", "x\n1\n");
  const StageFingerprint one = fingerprint(workflow, Stage::kIngest, std::nullopt);
  EXPECT_TRUE(one.always_runs.empty());
  dir.write("in/b.csv", "x\n2\n");  // a new file matches the glob
  const StageFingerprint two = fingerprint(workflow, Stage::kIngest, std::nullopt);
  EXPECT_EQ(compare_fingerprints(one, two).inputs,
            std::vector<std::string>{"source w: " + dir.file("in/*.csv")});
}

TEST(StageFingerprint, ChangedConfigAndCodeAreDescribedByName) {
  testing::TempDir dir;
  dir.write("run/featurize/features.csv", "a\n1\n");
  dir.write("run/featurize/feature_state.json", "{}\n");
  dir.write("run/ingest/clean.csv", "a\n1\n");
  const StageFingerprint before = fingerprint(load(dir, kWorkflow), Stage::kTrain, dir.file("run"));
  StageFingerprint now =
      fingerprint(load(dir, kWorkflow, {"train.rounds=30", "train.params.eta=0.1"}), Stage::kTrain,
                  dir.file("run"));
  FingerprintChanges changes = compare_fingerprints(before, now);
  EXPECT_FALSE(changes.code);
  EXPECT_EQ(changes.config_keys, (std::vector<std::string>{"train.params.eta", "train.rounds"}));
  EXPECT_TRUE(changes.inputs.empty());
  EXPECT_EQ(changes.describe(before, now),
            std::vector<std::string>{"config changed: train.params.eta, train.rounds"});
  EXPECT_NE(before.config_hash(), now.config_hash());

  now = before;
  now.code = "0.0.0+feedfeedfeedfeed";
  changes = compare_fingerprints(before, now);
  EXPECT_TRUE(changes.code);
  EXPECT_EQ(changes.describe(before, now),
            std::vector<std::string>{"code version changed (" + before.code +
                                     " -> 0.0.0+feedfeedfeedfeed)"});
}

TEST(StageFingerprint, JsonRoundTripsAndRejectsWhatIsNotAFingerprint) {
  testing::TempDir dir;
  dir.write("run/ingest/clean.csv", "a\n1\n");
  const StageFingerprint recorded =
      fingerprint(load(dir, kWorkflow), Stage::kFeaturize, dir.file("run"));
  const nlohmann::json json = recorded.to_json();
  EXPECT_EQ(json.at("config_hash"), recorded.config_hash());
  const std::optional<StageFingerprint> read = StageFingerprint::from_json(json);
  ASSERT_TRUE(read);
  EXPECT_TRUE(compare_fingerprints(recorded, *read).empty());
  EXPECT_FALSE(StageFingerprint::from_json(nullptr));
  EXPECT_FALSE(StageFingerprint::from_json({{"code", "x"}, {"inputs", {{"a", 1}}}}));
}

TEST(StageFingerprint, CodeIdentityIsTheVersionAndABuildHash) {
  const std::string identity = code_identity();
  const size_t plus = identity.find('+');
  ASSERT_NE(plus, std::string::npos) << identity;
  EXPECT_EQ(identity.size() - plus - 1, 16u) << identity;
  EXPECT_EQ(identity, code_identity());
}

}  // namespace
}  // namespace mlops

#pragma once
// One run of one workflow: its directory, its manifest (rewritten atomically after every
// stage) and the records of the stages it has run.

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "mlops/config/workflow.h"
#include "mlops/contracts/check.h"
#include "mlops/pipeline/stage.h"
#include "mlops/store/tracking_store.h"

namespace mlops {

/// What a stage reports about itself; the runner adds time and memory.
struct StageRecord {
  std::vector<std::string> inputs;   // files read (hashed into the manifest)
  std::vector<std::string> outputs;  // files written
  size_t rows = 0;                   // rows of the stage's main output
  size_t columns = 0;
  std::vector<ContractReport> contracts;
  nlohmann::json details = nlohmann::json::object();  // stage-specific facts
  /// What the result depends on (stage_fingerprint.h), recorded so a later run can skip the
  /// stage when it is unchanged; null when it could not be computed (never reused).
  nlohmann::json fingerprint;
};

class Collective;

class RunContext {
 public:
  /// Starts a new run: creates runs/<run-id>/, writes config.yaml (secrets masked) and the
  /// manifest (with the pid and host of this process), and registers the run in the tracking
  /// store. First the workflow's runs left `running` by a process that is gone are marked
  /// `crashed` and their temp files removed (reap_dead_runs). `run_id` names the run (the
  /// shards of one run started on several machines: `batch-predict --run ID --input ...`);
  /// empty for a new id. Throws ConfigError for a run id that cannot name a folder.
  static RunContext start(const Workflow& workflow, const std::string& run_id = "");
  /// Opens an existing run: `run_id`, or when empty the workflow's latest usable run in runs_dir
  /// (a shared store lists other machines' runs too): the most recent one, never a `refused`
  /// one, whose stage `needed` (when given) ended `ok`; when no
  /// run is usable, the latest run that was not refused (so require_stage says what is
  /// missing). A run still `running` whose process (pid recorded on this host) is gone is
  /// marked `crashed`, in its manifest and the tracking store, as it is opened. Throws
  /// ConfigError when there is no run, naming the command that creates one.
  static RunContext open(const Workflow& workflow, const std::string& run_id,
                         std::optional<Stage> needed = std::nullopt);

  const Workflow& workflow() const { return workflow_; }
  const std::string& run_id() const { return run_id_; }
  const RunPaths& paths() const { return paths_; }
  const nlohmann::json& manifest() const { return manifest_; }

  /// Throws ConfigError unless `stage` has completed successfully in this run.
  void require_stage(Stage stage, Stage needed_by) const;
  /// Records a finished (or failed) stage and rewrites the manifest atomically. A shard of a
  /// sharded stage (shard_records.h) records its own file and tracking-store row; the
  /// manifest's entry of the stage is then the merge of every shard recorded.
  void record_stage(Stage stage, const StageRecord& record, const std::string& status,
                    double seconds, uint64_t peak_rss_bytes, const std::string& error = "");
  /// Records `stage` as skipped: `entry` is the manifest entry of the earlier run whose outputs
  /// this run reuses, rewritten for this run (stage_skip.h); rewrites the manifest atomically.
  void record_stage_entry(Stage stage, nlohmann::json entry);
  /// Sets the run's overall status ("running", "ok", "partial", "failed", "refused") in
  /// manifest and store.
  void set_status(const std::string& status);
  /// Records holdout metrics in the tracking store.
  void record_metrics(const std::map<std::string, double>& metrics);
  /// Distributed training: the job this process joined (train reads and trains its shard);
  /// null in one process.
  void set_collective(const Collective* collective) { collective_ = collective; }
  const Collective* collective() const { return collective_; }

 private:
  RunContext(Workflow workflow, std::string run_id);
  /// Reads the run's manifest and marks it `crashed` when its process died while running.
  static RunContext load(const Workflow& workflow, const std::string& run_id);
  /// Marks the workflow's runs whose process died `crashed` (and a store row left `running`
  /// by a kill between the manifest's write and the store's, as the manifest says), and
  /// removes the temp files of dead writers in run folders that never got a manifest.
  static void reap_dead_runs(const Workflow& workflow);
  bool usable_for(std::optional<Stage> needed) const;
  /// Merges the shard records (the run's shards/ files and store_shards_) into manifest_.
  void merge_shards();
  /// Writes manifest_ atomically under the run's manifest lock, shards merged first.
  void save_manifest();
  void update_store();

  Workflow workflow_;
  std::string run_id_;
  RunPaths paths_;
  nlohmann::json manifest_;
  std::vector<ShardRecord> store_shards_;  // this run's shard rows in the tracking store
  const Collective* collective_ = nullptr;
};

}  // namespace mlops

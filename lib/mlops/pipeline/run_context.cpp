#include "mlops/pipeline/run_context.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <random>
#include <set>

#include "mlops/core/error.h"
#include "mlops/core/log.h"
#include "mlops/core/run_manifest.h"
#include "mlops/core/secret_mask.h"
#include "mlops/core/time.h"
#include "mlops/core/version.h"
#include "mlops/io/file.h"
#include "mlops/io/file_hash_memo.h"
#include "mlops/io/temp_files.h"
#include "mlops/pipeline/shard_records.h"
#include "mlops/store/open_stores.h"

namespace mlops {

namespace {

std::string new_run_id(const std::string& workflow_name) {
  CivilTime t = civil_from_micros(now_micros());
  std::random_device device;
  return fmt::format("{:04}{:02}{:02}T{:02}{:02}{:02}Z-{}-{:04x}", t.year, t.month, t.day, t.hour,
                     t.minute, t.second, workflow_name, device() & 0xffff);
}

nlohmann::json file_entry(const std::string& path) {
  nlohmann::json entry{{"path", path}};
  if (path_exists(path)) entry["hash"] = "xxh128:" + hash_file_memo(path);
  return entry;
}

std::string host_name() {
  char name[256] = {};
  if (::gethostname(name, sizeof name - 1) != 0) return "";
  return name;
}

/// True when the manifest says its process runs on this host and no such process exists.
/// A run started elsewhere (a shared runs_dir) or before pids were recorded is left alone.
bool process_is_gone(const nlohmann::json& manifest) {
  if (!manifest.contains("pid") || manifest.value("host", "") != host_name()) return false;
  const auto pid = manifest["pid"].get<int64_t>();
  if (pid <= 0) return false;
  return ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH;
}

/// An exclusive flock on `<run>/.manifest.lock` for as long as it lives: writers of one run's
/// manifest (shards of one run on one machine or a shared runs_dir) take turns.
class ManifestLock {
 public:
  explicit ManifestLock(const std::string& run_root) {
    const std::string path = run_root + "/.manifest.lock";
    fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0666);
    if (fd_ < 0) throw IoError("cannot open '{}': {}", path, std::strerror(errno));
    while (::flock(fd_, LOCK_EX) != 0) {
      if (errno != EINTR) {
        const int error = errno;
        ::close(fd_);
        throw IoError("cannot lock '{}': {}", path, std::strerror(error));
      }
    }
  }
  ManifestLock(const ManifestLock&) = delete;
  ManifestLock& operator=(const ManifestLock&) = delete;
  ~ManifestLock() { ::close(fd_); }  // closing releases the flock

 private:
  int fd_ = -1;
};

/// Throws ConfigError unless `run_id` can name a run folder.
void check_run_id(const std::string& run_id) {
  bool ok = !run_id.empty() && run_id.size() <= 200 && run_id[0] != '.';
  for (char c : run_id)
    ok = ok && (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.');
  if (!ok) {
    throw ConfigError(
        "--run '{}' cannot name a new run: use letters, digits, '-', '_' and '.' (not first)",
        run_id);
  }
}

}  // namespace

RunContext::RunContext(Workflow workflow, std::string run_id)
    : workflow_(std::move(workflow)), run_id_(std::move(run_id)) {
  paths_.root = workflow_.settings.runs_dir + "/" + run_id_;
}

RunContext RunContext::start(const Workflow& workflow, const std::string& run_id) {
  if (!run_id.empty()) check_run_id(run_id);
  reap_dead_runs(workflow);
  RunContext context(workflow, run_id.empty() ? new_run_id(workflow.name) : run_id);
  make_directories(context.paths_.root);
  write_file_atomic(context.paths_.config(), to_yaml(workflow.tree, true, false));
  context.manifest_ = {{"run_id", context.run_id_},
                       {"workflow", workflow.name},
                       {"workflow_file", workflow.path},
                       {"env", workflow.settings.env},
                       {"mlops_version", kVersion},
                       {"config_hash", workflow.config_hash},
                       {"started_at", format_iso8601(now_micros())},
                       {"started_at_us", now_micros()},
                       {"status", "running"},
                       {"pid", static_cast<int64_t>(::getpid())},
                       {"host", host_name()},
                       {"stages", nlohmann::json::object()}};
  context.save_manifest();
  context.update_store();
  return context;
}

RunContext RunContext::open(const Workflow& workflow, const std::string& run_id,
                            std::optional<Stage> needed) {
  std::optional<RunContext> chosen;
  if (!run_id.empty()) {
    chosen = load(workflow, run_id);
  } else {
    std::vector<RunRow> runs;
    if (store_exists(workflow.settings)) {
      runs = open_tracking_store(workflow.settings)->runs(workflow.name);
    }
    std::optional<RunContext> fallback;  // the latest run not refused
    for (const RunRow& row : runs) {
      if (row.status == "refused") continue;
      // A shared store (PostgreSQL) lists the runs of every machine; only those whose folder is
      // in this machine's runs_dir can be worked in (a scheduled job on a fresh runner holds
      // only its own).
      if (!path_exists(workflow.settings.runs_dir + "/" + row.run_id + "/manifest.json")) continue;
      RunContext context = load(workflow, row.run_id);
      if (context.usable_for(needed)) {
        chosen = std::move(context);
        break;
      }
      if (!fallback) fallback = std::move(context);
    }
    if (!chosen) chosen = std::move(fallback);
    if (!chosen) {
      throw ConfigError(
          "no run of workflow '{}' in {}; start one with `mlops ingest` or `mlops run`",
          workflow.name, workflow.settings.runs_dir);
    }
  }
  RunContext& context = *chosen;
  if (context.manifest_.value("config_hash", "") != workflow.config_hash) {
    // Rerunning one stage with a changed config is allowed; the manifest says so.
    context.manifest_["config_hash"] = workflow.config_hash;
    write_file_atomic(context.paths_.config(), to_yaml(workflow.tree, true, false));
  }
  return std::move(context);
}

RunContext RunContext::load(const Workflow& workflow, const std::string& id) {
  RunContext context(workflow, id);
  if (!path_exists(context.paths_.manifest())) {
    throw ConfigError("run '{}' not found: {} does not exist", id, context.paths_.manifest());
  }
  try {
    context.manifest_ = nlohmann::json::parse(read_file(context.paths_.manifest()));
  } catch (const nlohmann::json::exception& e) {
    throw DataError("{}: not a run manifest: {}", context.paths_.manifest(), e.what());
  }
  // The shards of a sharded stage recorded here and, from the tracking store, on any machine
  // (asked only of a run a shard ran in here: loading a run costs no store query otherwise).
  std::error_code error;
  if (std::filesystem::is_directory(context.paths_.root + "/shards", error) &&
      store_exists(workflow.settings)) {
    context.store_shards_ = open_tracking_store(workflow.settings)->shards(id);
  }
  context.merge_shards();
  if (context.manifest_.value("workflow", "") != workflow.name) {
    throw ConfigError("run '{}' belongs to workflow '{}', not '{}'", id,
                      context.manifest_.value("workflow", ""), workflow.name);
  }
  if (context.manifest_.value("status", "") == "running" && process_is_gone(context.manifest_)) {
    log_warn(fmt::format("run '{}' was left running by process {}, which is gone: marked crashed",
                         id, context.manifest_["pid"].get<int64_t>()),
             {});
    context.set_status("crashed");
    remove_orphan_temp_files(context.paths_.root);  // what it was writing when it died
  }
  return context;
}

void RunContext::reap_dead_runs(const Workflow& workflow) {
  namespace fs = std::filesystem;
  std::set<std::string> indexed;
  if (store_exists(workflow.settings)) {
    for (const RunRow& row : open_tracking_store(workflow.settings)->runs(workflow.name)) {
      indexed.insert(row.run_id);
      if (row.status != "running") continue;
      try {
        RunContext context = load(workflow, row.run_id);  // marks a dead process's run crashed
        // Killed between its manifest's last write and the store's: the manifest is right.
        if (context.manifest_.value("status", "") != row.status) context.update_store();
      } catch (const ConfigError&) {
        // Its folder is gone or belongs to another workflow: nothing to mark.
      } catch (const DataError&) {
      }
    }
  }
  // A run killed before the store knew it has only its folder: with a manifest (marked as
  // above, which indexes it), or without one, holding its dead writer's temp files (a live
  // writer's, a run starting now, are kept).
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(workflow.settings.runs_dir, error)) {
    const std::string name = entry.path().filename().string();
    // Run ids end "Z-<workflow>-XXXX" (new_run_id): another workflow's runs are not this one's.
    const std::string tail = "Z-" + workflow.name + "-";
    const size_t at = name.rfind(tail);
    if (indexed.contains(name) || at == std::string::npos || name.size() != at + tail.size() + 4 ||
        !entry.is_directory(error)) {
      continue;
    }
    if (!fs::exists(entry.path() / "manifest.json", error)) {
      remove_orphan_temp_files(entry.path().string());
      continue;
    }
    try {
      load(workflow, name);
    } catch (const Error&) {
      // Not a run of this workflow after all.
    }
  }
}

bool RunContext::usable_for(std::optional<Stage> needed) const {
  if (manifest_.value("status", "") == "refused") return false;
  if (!needed) return true;
  const auto& stages = manifest_.at("stages");
  const std::string name(stage_name(*needed));
  return stages.contains(name) && stage_succeeded(stages[name].value("status", ""));
}

void RunContext::require_stage(Stage stage, Stage needed_by) const {
  const auto& stages = manifest_.at("stages");
  const std::string name(stage_name(stage));
  if (!stages.contains(name)) {
    throw ConfigError("run '{}' has no {} output yet; `mlops {}` needs it: run `mlops {}` first",
                      run_id_, name, stage_name(needed_by), name);
  }
  const std::string status = stages[name].value("status", "");
  if (!stage_succeeded(status)) {
    throw ConfigError(
        "stage {} of run '{}' ended with status '{}'; `mlops {}` needs it: fix and "
        "rerun `mlops {}`",
        name, run_id_, status, stage_name(needed_by), name);
  }
}

void RunContext::record_stage(Stage stage, const StageRecord& record, const std::string& status,
                              double seconds, uint64_t peak_rss_bytes, const std::string& error) {
  nlohmann::json inputs = nlohmann::json::array();
  for (const auto& path : record.inputs) inputs.push_back(file_entry(path));
  nlohmann::json outputs = nlohmann::json::array();
  for (const auto& path : record.outputs) outputs.push_back(file_entry(path));
  nlohmann::json contracts = nlohmann::json::array();
  for (const auto& report : record.contracts) contracts.push_back(report.to_json());
  nlohmann::json entry{{"status", status},       {"finished_at", format_iso8601(now_micros())},
                       {"seconds", seconds},     {"peak_rss_bytes", peak_rss_bytes},
                       {"rows", record.rows},    {"columns", record.columns},
                       {"inputs", inputs},       {"outputs", outputs},
                       {"contracts", contracts}, {"details", record.details}};
  if (!error.empty()) entry["error"] = error;
  if (!record.fingerprint.is_null()) entry["fingerprint"] = record.fingerprint;
  record_stage_entry(stage, std::move(entry));
}

void RunContext::record_stage_entry(Stage stage, nlohmann::json entry) {
  if (const auto shard = stage_shard(workflow_, stage)) {
    // Its own file and its own store row: merged into the manifest, never overwritten.
    const ShardRecord record{
        run_id_,
        std::string(stage_name(stage)),
        shard->first,
        shard->second,
        host_name(),
        format_iso8601(now_micros()),
        mask_secrets(entry.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace))};
    write_shard_file(paths_.root, record);
    auto store = open_tracking_store(workflow_.settings);
    store->record_shard(record);
    store_shards_ = store->shards(run_id_);
  } else {
    manifest_["stages"][std::string(stage_name(stage))] = std::move(entry);
  }
  save_manifest();
}

void RunContext::set_status(const std::string& status) {
  manifest_["status"] = status;
  save_manifest();
  update_store();
}

void RunContext::record_metrics(const std::map<std::string, double>& metrics) {
  open_tracking_store(workflow_.settings)->set_metrics(run_id_, metrics);
}

void RunContext::merge_shards() {
  std::vector<ShardRecord> records = read_shard_files(paths_.root);
  records.insert(records.end(), store_shards_.begin(), store_shards_.end());
  merge_shard_records(manifest_, records);
}

void RunContext::save_manifest() {
  // Under the lock, with every shard file written so far: the last writer's manifest holds
  // every shard whose file was written before it took the lock.
  ManifestLock lock(paths_.root);
  merge_shards();
  manifest_["updated_at"] = format_iso8601(now_micros());
  write_file_atomic(
      paths_.manifest(),
      mask_secrets(manifest_.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n"));
}

void RunContext::update_store() {
  open_tracking_store(workflow_.settings)
      ->upsert_run({run_id_, workflow_.name, workflow_.settings.env,
                    // Zero-padded microseconds sort as text, even for runs in the same second.
                    fmt::format("{:020}", manifest_.value("started_at_us", int64_t{0})),
                    manifest_.value("status", ""), paths_.root, workflow_.config_hash});
}

}  // namespace mlops

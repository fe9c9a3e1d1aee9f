#pragma once
// The typed view of an effective config: settings every command uses plus one workflow's
// stages. Built from the validated tree by build_workflow(); lib/ components read these structs,
// never YAML.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "mlops/config/feature_store.h"
#include "mlops/config/node.h"
#include "mlops/io/read_result.h"
#include "mlops/io/typed_read.h"

namespace mlops {

/// The served prediction log of `mlops serve` (serve.log.*).
struct ServeLogSettings {
  uint64_t queue_capacity = 65536;  // records held in memory; beyond, log() journals
  uint64_t batch_size = 512;        // records per store transaction
  double flush_interval = 0.2;      // seconds a partial batch waits
  std::string journal_dir;          // default `serve-journal` next to runs_dir
};

/// Webhook notifications (notify.*; docs/notifications.md).
struct NotifySettings {
  std::vector<std::string> on;        // events: failure, contract_failed, drift, promoted, ...
  std::vector<std::string> webhooks;  // secrets: print only through mask_secrets
  std::string link;                   // put in every message when set
  double timeout = 5;                 // seconds per attempt
  int retries = 3;                    // after a retryable failure
  double backoff = 0.5;               // seconds before the first retry
  double deadline = 15;               // seconds one event may take in all
};

struct Settings {
  std::string env = "local";
  std::string data_dir = "data";
  std::string runs_dir = "runs";
  std::string log_format = "text";  // text | json
  std::string log_level = "info";   // debug | info | warn | error
  uint64_t seed = 42;
  std::vector<std::string> workflows;  // workflow files `mlops run` runs when none is given
  std::string store_path;              // SQLite tracking store; default <runs_dir>/mlops.db
  /// store.url: "" (SQLite in store_path), sqlite:///..., or postgresql://... (may hold a
  /// password: print it only through mask_secrets).
  std::string store_url;
  std::string store_artifacts = "database";  // PostgreSQL: database | models_dir
  std::string lake_dir;                      // ingest lake; default `lake` next to runs_dir
  std::string models_dir;  // registry artifacts; default `models` next to runs_dir
  /// The online feature store: "sqlite:PATH" or "redis://..." (may hold a password: print it
  /// only through mask_secrets); default "sqlite:<online.db next to runs_dir>".
  std::string online_store_url;
  ServeLogSettings serve_log;
  NotifySettings notify;
};

struct SourceSpec {
  std::string type = "file";       // file | http | sqlite | kafka
  std::string path;                // after interpolation, e.g. "data/penguins.json"
  std::string format = "auto";     // auto (from extension) | csv | tsv | json | jsonl
  std::string encoding = "utf-8";  // utf-8 (invalid records quarantined) | latin-1 (transcoded)
  char delimiter = 0;              // CSV field separator; 0: the format's (',' csv, tab tsv)
  char quote = '"';                // CSV quote character
  std::string name;                // lake folder and checkpoint key; default the workflow name
  std::string table;               // clean table; default `name` (kafka: one table per topic)
  /// The source's whole map, origins included: ingest/ reads the type-specific keys (url,
  /// pagination, brokers, ...) from it, with the key table's defaults.
  ConfigNode options;
};

struct IngestSpec {
  SourceSpec source;                // the first source (what file readers outside ingest use)
  std::vector<SourceSpec> sources;  // every source, in declaration order
  std::string table;                // the run's main clean table; default the first source's
  std::vector<ColumnDecl> schema;   // declared columns, in file order
  std::vector<std::string> null_values;
  bool rebuild = false;  // replay the raw layer into new clean tables (mlops ingest --rebuild)
  /// Follow mode (mlops ingest --follow): run the kafka source until SIGTERM, committing a
  /// batch when full or after `follow_max_delay` seconds, pushing online views' rows.
  bool follow = false;
  double follow_max_delay = 1;
};

/// How `path`, a file other than the source (batch-predict input, labels), is read typed as
/// the ingest schema declares: in the format its extension names, else the source's.
inline TypedReadSpec typed_read_spec(const IngestSpec& spec, const std::string& path) {
  return {other_file_format(path, spec.source.format), spec.schema, spec.null_values,
          spec.source.delimiter, spec.source.quote};
}

struct LabelSpec {
  std::string column;  // the label's name: `column`, or `name` when computed by `expr`
  std::string expr;    // a computed label such as `delay > 15` (lib/mlops/expr); "" = a column
  std::string origin;  // where `expr` was set ("workflow.yaml:14:10"), for error messages
};

/// Where featurize's rows come from (docs/features.md, "Training from a point-in-time join").
struct FeaturizeSourceSpec {
  std::string type = "clean";         // clean | historical
  std::string entities;               // historical: the entity rows file
  std::vector<std::string> features;  // historical: VIEW or VIEW:COL,COL
  std::string event_time = "event_time";
  std::string origin;  // where featurize.source was set, for messages
};
struct FeaturizeSpec {
  FeaturizeSourceSpec source;
  std::vector<ConfigNode> transforms;  // each a map with `type`; parsed by features/
  LabelSpec label;
  std::vector<std::string> drop;  // columns that are not features (ids, free text)
};

struct SplitSpec {
  std::string type = "random";  // random | time | group
  double holdout = 0.2;  // fraction of rows (random), of the day range (time), of groups (group)
  std::string column;    // time: the timestamp column; group: the entity column
  std::string holdout_from;  // time: hold out rows at or after this timestamp instead
  bool stratify = true;      // classification only
  uint64_t seed = 42;
};

struct EarlyStoppingSpec {
  int rounds = 0;           // stop after this many rounds without improvement; 0 = off
  std::string metric;       // of the curve and of early stopping; "" = logloss / rmse
  double validation = 0.1;  // fraction of the training side held out to watch
};

struct TrainSpec {
  std::string objective = "reg:squarederror";  // binary:logistic | multi:softprob | reg:*
  int rounds = 100;
  SplitSpec split;
  int cv_folds = 0;  // k-fold cross-validation on the training side; 0 = off
  EarlyStoppingSpec early_stopping;
  /// The workflow's XGBoost parameters as written, in order: XGBoost receives exactly these
  /// strings. Name, type and range are checked at load against the key table; read them
  /// typed, with their declared defaults, through config/train_params.h.
  std::vector<std::pair<std::string, std::string>> params;
};

struct RegistrySpec {
  std::string model;        // registered model name; default the workflow name
  std::string gate_metric;  // empty: the task's default
  double gate_min_delta = 0;
};

struct PredictSpec {
  std::string input;  // file to score; empty = this run's clean ingest table
  std::vector<std::string> id_columns;
  std::string model = "champion";  // registry alias or version
  size_t shard_index = 0, shard_count = 1;
  std::string output;     // extra copy of the predictions
  std::string scored_at;  // fixed scored_at timestamp text; empty = now
  bool log_predictions = true;
};

struct EvaluationSpec {
  std::string window = "1d";
};

struct ReportSpec {
  std::string title;
};

/// One workflow with the settings in force for it.
struct Workflow {
  std::string name;
  std::string description;
  std::string path;  // workflow file
  Settings settings;
  IngestSpec ingest;
  FeaturizeSpec featurize;
  TrainSpec train;
  RegistrySpec registry;
  PredictSpec predict;
  EvaluationSpec evaluation;
  ReportSpec report;
  FeatureStoreSpec feature_store;  // entities and feature views (docs/features.md)
  /// stage name -> contract (an inline map or a path to a contract YAML); parsed by contracts/.
  std::map<std::string, ConfigNode> contracts;
  ConfigNode tree;          // the effective config, for `config show` and the manifest
  std::string config_hash;  // hash_bytes(canonical_text(tree))
};

/// Builds the typed view from a loaded tree. Throws ConfigError naming origin and key for
/// values the schema cannot check alone (an unknown dtype in ingest.schema, an empty name, a
/// missing ingest.source.path (url, query, brokers: what the source type needs), two sources
/// with one name, an unknown source type or format, a contract stage name that is not a stage).
Workflow build_workflow(const ConfigNode& tree, const std::string& env);
/// Only the settings part (for commands that need no workflow).
Settings build_settings(const ConfigNode& tree, const std::string& env);

}  // namespace mlops

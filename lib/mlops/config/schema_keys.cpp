// The one table of config keys (LightGBM's config.h idea): validation, the built-in defaults,
// the environment layer and docs/config.md all read it.

#include <limits>

#include "mlops/config/schema.h"
#include "mlops/config/schema_checks.h"
#include "mlops/config/tree_path.h"

namespace mlops {

namespace {

KeyDecl key(std::string path, KeyType type, std::string default_value, std::string help,
            std::vector<std::string> choices = {}) {
  return KeyDecl{std::move(path), type, std::move(default_value), std::move(help),
                 std::move(choices)};
}

}  // namespace

const std::vector<KeyDecl>& config_keys() {
  using T = KeyType;
  static const std::vector<KeyDecl> keys{
      // Settings every command uses.
      key("data_dir", T::kPath, "data",
          "Directory of input data; workflows refer to it as `${data_dir}`."),
      key("runs_dir", T::kPath, "runs",
          "Directory where runs, their outputs and manifests are written."),
      key("log_format", T::kEnum, "text", "Log output: human-readable text or JSON lines.",
          {"text", "json"}),
      key("log_level", T::kEnum, "info", "Lowest level logged.",
          {"debug", "info", "warn", "error"}),
      key("seed", T::kInt, "42", "Seed for everything random unless a stage sets its own."),
      key("workflows", T::kStringList, "", "Workflow files `mlops run` runs when none is given."),
      key("store", T::kMap, "", "The tracking store (runs, models, evaluations)."),
      key("store.backend", T::kEnum, "sqlite",
          "Unused, kept so older configs load: the backend is store.url's scheme (SQLite in "
          "store.path when store.url is unset).",
          {"sqlite"}),
      key("store.path", T::kPath, "", "SQLite database file; default `<runs_dir>/mlops.db`."),
      key("store.url", T::kString, "",
          "Where every store lives (tracking, registry, evaluation), as a URL: "
          "`postgresql://USER[:PASSWORD]@HOST[:PORT]/DB` for a PostgreSQL database shared by "
          "every machine (docs/production.md), or `sqlite:///relative.db` / "
          "`sqlite:////absolute.db`; default SQLite in store.path. Give the password as `${VAR}` "
          "or through PGPASSWORD: it is masked wherever the URL is printed or written."),
      key("store.artifacts", T::kEnum, "database",
          "With a PostgreSQL store, where registered versions' files (model, feature state, "
          "baseline, profile) live: `database` (content-addressed, verified by hash on read; "
          "models_dir is then each machine's local cache) or `models_dir` (shared storage "
          "every machine mounts). SQLite stores always use models_dir.",
          {"database", "models_dir"}),
      key("lake_dir", T::kPath, "",
          "Directory of the ingest lake (raw, clean and quarantine layers, checkpoints), kept "
          "across runs; default `lake` next to runs_dir (`runs` -> `lake`, `/srv/x/runs` -> "
          "`/srv/x/lake`)."),
      key("models_dir", T::kPath, "",
          "Directory where the model registry keeps each version's artifacts "
          "(`<model>/v<N>/`); default `models` next to runs_dir."),
      key("notebooks", T::kMap, "", "`mlops notebooks strip` and `mlops notebooks export`."),
      key("notebooks.keep_metadata", T::kStringList, "",
          "Metadata `notebooks strip` keeps besides its defaults (README, Notebooks): "
          "`metadata.KEY` of the notebook, `cell.metadata.KEY` of every cell, `a.b.c` for one "
          "key inside an object (`metadata.language_info.version`)."),

      // One workflow.
      key("name", T::kString, "", "Workflow name (required in a workflow file)."),
      key("description", T::kString, "", "One line saying what the workflow does."),
      key("ingest", T::kMap, "", "Reading and typing the raw data."),
      key("ingest.table", T::kString, "",
          "The clean table the run's `ingest/clean.csv` is made of (featurize reads it); default "
          "the first source's table."),
      key("ingest.rebuild", T::kBool, "false",
          "Replay the raw layer through the current schema into new clean tables and "
          "quarantine, swapped in atomically (`mlops ingest --rebuild`); needed after "
          "`ingest.schema` or `ingest.null_values` change. Every source type is replayed from "
          "what raw holds (HTTP bodies, Kafka messages, SQLite rows): nothing is fetched."),
      key("ingest.follow", T::kMap, "",
          "Follow mode (`mlops ingest --follow`): a kafka source runs until SIGTERM or SIGINT, "
          "pushing each batch's rows to the online views of its tables."),
      key("ingest.follow.enabled", T::kBool, "false",
          "Run the kafka source until SIGTERM/SIGINT instead of until idle (`--follow`)."),
      key("ingest.follow.max_delay", T::kFloat, "1",
          "Follow mode: seconds a message may wait before its batch is committed to the lake "
          "and pushed to the online store (a full batch is committed at once)."),
      key("ingest.source", T::kMapList, "",
          "Where the raw data comes from: one source (a map) or several (a list of maps, each "
          "with its own `name`). `--set` and `MLOPS_INGEST__SOURCE__*` address the map form."),
      key("ingest.source.type", T::kEnum, "file", "Kind of source.",
          {"file", "http", "sqlite", "kafka"}),
      key("ingest.source.name", T::kString, "",
          "Source name: its folder in the lake (raw data, quarantine, checkpoint); default the "
          "workflow name (required when there are several sources)."),
      key("ingest.source.table", T::kString, "",
          "Clean table its records go to; default the source name (kafka: one table per topic, "
          "named after the topic)."),
      key("ingest.source.key", T::kString, "",
          "Column identifying a record (after flattening, e.g. `id` or `meta.id`): a record "
          "whose key was already ingested is skipped, in this run or any earlier one; file "
          "sources upsert instead (a row replaces the earlier row with its key: latest wins)."),
      key("ingest.source.path", T::kPath, "",
          "file: a file or a glob (`${data_dir}/events-*.jsonl.gz`), required; sqlite: the "
          "database file."),
      key("ingest.source.format", T::kEnum, "auto",
          "file: input format; auto picks it from the extension, after any `.gz` or `.zst`.",
          {"auto", "csv", "tsv", "json", "jsonl"}),
      key("ingest.source.encoding", T::kEnum, "utf-8",
          "file: text encoding; with utf-8 a CSV/TSV/JSON Lines record holding a byte that is not "
          "valid UTF-8 goes to quarantine (a JSON document is refused), naming line, column and "
          "byte offset; latin-1 transcodes the file to UTF-8.",
          {"utf-8", "latin-1"}),
      key("ingest.source.delimiter", T::kString, "",
          "file: CSV/TSV field separator, one character (`;`, `|`, `\\t` for a tab); default `,` "
          "for csv and a tab for tsv. Used wherever the workflow's files are read (ingest, "
          "batch-predict input, labels for `mlops evaluate`)."),
      key("ingest.source.quote", T::kString, "\"",
          "file: CSV/TSV quote character, one character other than the delimiter; a quoted field "
          "may hold the delimiter and line ends, and the quote doubled stands for itself."),
      key("ingest.source.url", T::kString, "", "http: the JSON endpoint (GET), required."),
      key("ingest.source.records", T::kString, "",
          "http: dotted path of the record array in a response (`data.items`); empty: the body "
          "is the array, or a single record."),
      key("ingest.source.headers", T::kOpenMap, "",
          "http: headers sent as written (`Accept: application/json`). Put no secret here."),
      key("ingest.source.headers_env", T::kOpenMap, "",
          "http: headers whose value is read from an environment variable (`X-Api-Key: "
          "BEER_API_KEY`); the value is never logged."),
      key("ingest.source.bearer_token_env", T::kString, "",
          "http: environment variable holding a token sent as `Authorization: Bearer <token>`; "
          "never logged."),
      key("ingest.source.connect_timeout", T::kFloat, "10", "http: seconds allowed to connect."),
      key("ingest.source.timeout", T::kFloat, "30",
          "http: seconds allowed for a whole request (connect, send, receive)."),
      key("ingest.source.pagination", T::kMap, "", "http: how to walk through pages."),
      key("ingest.source.pagination.type", T::kEnum, "none",
          "http: none (one request), page (page number), offset (offset/limit), cursor (a "
          "cursor field of the response) or link (RFC 8288 `Link: <...>; rel=\"next\"`).",
          {"none", "page", "offset", "cursor", "link"}),
      key("ingest.source.pagination.param", T::kString, "",
          "http: query parameter that moves through pages; default `page`, `offset` or "
          "`cursor` by type."),
      key("ingest.source.pagination.start", T::kInt, "",
          "http: first page number (default 1) or first offset (default 0)."),
      key("ingest.source.pagination.size_param", T::kString, "",
          "http: query parameter for the page size; default `limit` for offset, not sent for "
          "page unless set."),
      key("ingest.source.pagination.size", T::kInt, "100",
          "http: records per page asked for (offset, and page when size_param is set)."),
      key("ingest.source.pagination.cursor_path", T::kString, "next_cursor",
          "http: cursor: dotted path of the next cursor in a response; absent, null or empty "
          "ends the walk."),
      key("ingest.source.pagination.max_pages", T::kInt, "0",
          "http: pages fetched per run at most (0: until the last page)."),
      key("ingest.source.poll", T::kMap, "", "http: polling an endpoint several times per run."),
      key("ingest.source.poll.count", T::kInt, "1",
          "http: requests per run to an endpoint that answers new records each time (pagination "
          "none); pair with `key` to drop repeats."),
      key("ingest.source.poll.interval", T::kFloat, "0", "http: seconds between two polls."),
      key("ingest.source.retry", T::kMap, "",
          "http: retries on connection errors, timeouts, 5xx and 429."),
      key("ingest.source.retry.max_retries", T::kInt, "5", "http: retries of one request."),
      key("ingest.source.retry.backoff", T::kFloat, "0.5",
          "http: first retry delay in seconds, doubled on each retry, with full jitter; a 429 "
          "or 503 `Retry-After` is honoured instead."),
      key("ingest.source.retry.max_backoff", T::kFloat, "30",
          "http: longest delay between two tries, Retry-After included."),
      key("ingest.source.retry.budget", T::kInt, "20",
          "http: retries per source and run; once spent, ingest keeps and checkpoints what it "
          "fetched and exits 5."),
      key("ingest.source.query", T::kString, "",
          "sqlite: the query (`SELECT * FROM orders`), required."),
      key("ingest.source.incremental_column", T::kString, "",
          "sqlite: a column that only grows (id, updated_at): each run reads only the rows "
          "past the largest value already ingested."),
      key("ingest.source.brokers", T::kString, "",
          "kafka: bootstrap servers, `host:port[,host:port]`, required."),
      key("ingest.source.topics", T::kStringList, "",
          "kafka: topics to read, one clean table per topic."),
      key("ingest.source.topic_pattern", T::kString, "",
          "kafka: regex of topics to read (`^events\\.`), which also picks up topics created "
          "later."),
      key("ingest.source.group", T::kString, "",
          "kafka: consumer group id; default `mlops-<workflow>-<source>`."),
      key("ingest.source.batch_size", T::kInt, "1000",
          "kafka, sqlite: records written and checkpointed together."),
      key("ingest.source.max_messages", T::kInt, "0",
          "kafka: messages per run at most (0: until idle)."),
      key("ingest.source.idle_timeout", T::kFloat, "5",
          "kafka: seconds without a new message after which the run stops."),
      key("ingest.source.options", T::kOpenMap, "",
          "kafka: librdkafka properties passed through (`security.protocol`, `sasl.username`, "
          "...); keys holding secrets are masked by `config show`."),
      key("ingest.schema", T::kOpenMap, "",
          "Declared columns: `name: dtype`, `name: {type: string, values: [a, b]}` or `name: "
          "{type: timestamp, format: \"%b %d %Y\"}` (a layout other than ISO 8601: see Timestamp "
          "formats below; a value that does not match goes to quarantine); other columns are "
          "inferred. Applied wherever the workflow's files are read: ingest, batch-predict input, "
          "labels for `mlops evaluate`."),
      key("ingest.null_values", T::kStringList, "",
          "Field texts read as null besides the empty field, e.g. NA."),
      key("featurize", T::kMap, "", "Turning the clean table into features."),
      key("featurize.transforms", T::kAny, "",
          "List of transforms, each a map with a `type` (docs/features.md); parsed when the "
          "workflow is loaded, before any stage runs."),
      key("featurize.label", T::kMap, "", "The prediction target."),
      key("featurize.label.column", T::kString, "", "Column holding the label."),
      key("featurize.label.name", T::kString, "",
          "Name of a computed label (with `expr`), e.g. `delayed`."),
      key("featurize.label.expr", T::kString, "",
          "Expression computing the label, e.g. `delay > 15` (classes \"false\"/\"true\"); the "
          "columns it reads are never features."),
      key("featurize.drop", T::kStringList, "", "Columns that are not features (ids, free text)."),
      key("featurize.source", T::kMap, "",
          "Where featurize reads its rows: the run's clean table, or a point-in-time join of "
          "entity rows with feature views (docs/features.md)."),
      key("featurize.source.type", T::kEnum, "clean",
          "`clean` (ingest's clean table) or `historical` (entity rows joined with views).",
          {"clean", "historical"}),
      key("featurize.source.entities", T::kPath, "",
          "historical: the entity rows (keys, event time, label), a data file."),
      key("featurize.source.features", T::kStringList, "",
          "historical: the views to join, `VIEW` or `VIEW:COL,COL`; columns `VIEW__COL`."),
      key("featurize.source.event_time", T::kString, "event_time",
          "historical: the entity file's timestamp column."),
      key("train", T::kMap, "", "Model training."),
      key("train.objective", T::kEnum, "reg:squarederror",
          "XGBoost objective: binary:logistic (two classes), multi:softprob (several), or a "
          "regression (reg:*, count:poisson, survival:*). binary:logitraw, binary:hinge and "
          "multi:softmax are refused: they do not predict probabilities.",
          {"reg:squarederror", "reg:squaredlogerror", "reg:pseudohubererror", "reg:absoluteerror",
           "reg:logistic", "reg:gamma", "reg:tweedie", "reg:linear", "count:poisson",
           "survival:cox", "survival:aft", "binary:logistic", "binary:logitraw", "binary:hinge",
           "multi:softprob", "multi:softmax"}),
      key("train.rounds", T::kInt, "100", "Boosting rounds."),
      key("train.split", T::kMap, "", "How rows are split into training and holdout sets."),
      key("train.split.type", T::kEnum, "random",
          "Split method: random (seeded, stratified for classification), time (the latest "
          "rows by `train.split.column`, a timestamp or an integer period such as a year, are "
          "held out) or group (a seeded hash of "
          "`train.split.column` decides the side, so no entity is on both sides).",
          {"random", "time", "group"}),
      key("train.split.holdout", T::kFloat, "0.2",
          "Fraction held out: of the rows (random), of the day range (time: the last days; of "
          "the range of values for an integer period column: the last years), or of the groups "
          "(group)."),
      key("train.split.column", T::kString, "",
          "Timestamp or integer period (year) column of a time split, or entity column of a "
          "group split (read from the ingested table)."),
      key("train.split.holdout_from", T::kString, "",
          "Time split: rows at or after this timestamp (or, for an integer period column, this "
          "value: `1980`) are held out (instead of `holdout`)."),
      key("train.split.stratify", T::kBool, "true",
          "Keep class proportions in both sets (classification only)."),
      key("train.split.seed", T::kInt, "", "Split seed; default the top-level seed."),
      key("train.params", T::kMap, "",
          "Other XGBoost parameters, checked here (an unknown one is an error) and passed to "
          "XGBoost as written. A default below is XGBoost's own and is not sent, except "
          "tree_method, nthread and verbosity, which mlops sets unless the workflow does."),
      key("train.params.booster", T::kEnum, "gbtree", "Booster.", {"gbtree", "gblinear", "dart"}),
      key("train.params.tree_method", T::kEnum, "hist",
          "Tree construction; hist lets training read a quantized matrix fed in batches.",
          {"auto", "exact", "approx", "hist", "gpu_hist"}),
      key("train.params.grow_policy", T::kEnum, "depthwise",
          "How trees grow: level by level, or the leaf with the largest loss change first.",
          {"depthwise", "lossguide"}),
      key("train.params.max_depth", T::kInt, "6",
          "Deepest a tree may grow (0: no limit, lossguide growth only)."),
      key("train.params.max_leaves", T::kInt, "0", "Most leaves in a tree (0: no limit)."),
      key("train.params.max_bin", T::kInt, "256", "Histogram bins per feature (hist, approx)."),
      key("train.params.eta", T::kFloat, "0.3", "Learning rate (shrinkage of each tree)."),
      key("train.params.learning_rate", T::kFloat, "0.3", "Alias of eta."),
      key("train.params.gamma", T::kFloat, "0",
          "Smallest loss reduction a split must bring (alias min_split_loss)."),
      key("train.params.min_split_loss", T::kFloat, "0", "Alias of gamma."),
      key("train.params.min_child_weight", T::kFloat, "1",
          "Smallest sum of instance weight (hessian) in a child."),
      key("train.params.max_delta_step", T::kFloat, "0",
          "Largest step of a leaf value (0: no limit)."),
      key("train.params.subsample", T::kFloat, "1", "Fraction of rows sampled for each tree."),
      key("train.params.sampling_method", T::kEnum, "uniform", "How rows are sampled.",
          {"uniform", "gradient_based"}),
      key("train.params.colsample_bytree", T::kFloat, "1",
          "Fraction of columns sampled for each tree."),
      key("train.params.colsample_bylevel", T::kFloat, "1",
          "Fraction of columns sampled for each level."),
      key("train.params.colsample_bynode", T::kFloat, "1",
          "Fraction of columns sampled for each split."),
      key("train.params.lambda", T::kFloat, "1", "L2 regularization of weights."),
      key("train.params.reg_lambda", T::kFloat, "1", "Alias of lambda."),
      key("train.params.alpha", T::kFloat, "0", "L1 regularization of weights."),
      key("train.params.reg_alpha", T::kFloat, "0", "Alias of alpha."),
      key("train.params.scale_pos_weight", T::kFloat, "1",
          "Weight of positive examples (binary classification)."),
      key("train.params.base_score", T::kFloat, "",
          "Initial prediction of every row; default the labels' mean (reg:squarederror) or "
          "median (reg:absoluteerror, reg:pseudohubererror), else XGBoost's 0.5."),
      key("train.params.max_cat_to_onehot", T::kInt, "4",
          "Categories below which a categorical split is one-hot."),
      key("train.params.max_cat_threshold", T::kInt, "64",
          "Most categories on one side of a categorical split."),
      key("train.params.monotone_constraints", T::kString, "",
          "Monotonic constraints per feature, e.g. `(1,0,-1)`."),
      key("train.params.interaction_constraints", T::kString, "",
          "Features allowed to interact, e.g. `[[0,1],[2,3]]`."),
      key("train.params.num_parallel_tree", T::kInt, "1",
          "Trees grown per round (a boosted random forest)."),
      key("train.params.updater", T::kString, "", "XGBoost's updater sequence (expert use)."),
      key("train.params.refresh_leaf", T::kInt, "1", "refresh updater: also update leaf values."),
      key("train.params.process_type", T::kEnum, "default", "Build new trees or update old ones.",
          {"default", "update"}),
      key("train.params.rate_drop", T::kFloat, "0", "dart: fraction of trees dropped."),
      key("train.params.skip_drop", T::kFloat, "0", "dart: probability of skipping the dropout."),
      key("train.params.one_drop", T::kInt, "0", "dart: always drop at least one tree (1)."),
      key("train.params.sample_type", T::kEnum, "uniform", "dart: how dropped trees are chosen.",
          {"uniform", "weighted"}),
      key("train.params.normalize_type", T::kEnum, "tree", "dart: weight of new trees.",
          {"tree", "forest"}),
      key("train.params.feature_selector", T::kEnum, "cyclic",
          "gblinear: feature ordering of coordinate descent.",
          {"cyclic", "shuffle", "random", "greedy", "thrifty"}),
      key("train.params.top_k", T::kInt, "0",
          "gblinear: features considered by greedy and thrifty (0: all)."),
      key("train.params.tweedie_variance_power", T::kFloat, "1.5",
          "reg:tweedie: variance power, between 1 and 2."),
      key("train.params.huber_slope", T::kFloat, "1", "reg:pseudohubererror: the delta term."),
      key("train.params.aft_loss_distribution", T::kEnum, "normal",
          "survival:aft: distribution of the error.", {"normal", "logistic", "extreme"}),
      key("train.params.aft_loss_distribution_scale", T::kFloat, "1",
          "survival:aft: scale of that distribution."),
      key("train.params.eval_metric", T::kString, "",
          "Metric XGBoost evaluates (mlops computes its own; see early_stopping.metric)."),
      key("train.params.disable_default_eval_metric", T::kBool, "false",
          "Turn off XGBoost's default metric."),
      key("train.params.nthread", T::kInt, "2",
          "Threads XGBoost trains with (alias n_jobs); mlops sends 2 unless set."),
      key("train.params.n_jobs", T::kInt, "", "Alias of nthread."),
      key("train.params.seed", T::kInt, "",
          "XGBoost's random seed (alias random_state); default train.split.seed."),
      key("train.params.random_state", T::kInt, "", "Alias of seed."),
      key("train.params.verbosity", T::kInt, "1",
          "XGBoost's messages: 0 silent, 1 warnings, 2 info, 3 debug; mlops sends 1 unless set."),
      key("train.params.validate_parameters", T::kBool, "",
          "XGBoost warns about parameters it does not use."),
      key("train.params.num_class", T::kInt, "",
          "Classes of multi:* objectives; mlops sets it from the label (a differing value is an "
          "error)."),
      key("train.params.objective", T::kString, "", "Not allowed here: set train.objective."),
      key("train.cv", T::kMap, "", "K-fold cross-validation on the training side."),
      key("train.cv.folds", T::kInt, "0",
          "Folds (0 = off): stratified for classification, grouped for a group split; each fold "
          "trains with the final model's parameters and rounds."),
      key("train.early_stopping", T::kMap, "",
          "Round-by-round stopping on a validation set carved from the training side."),
      key("train.early_stopping.rounds", T::kInt, "0",
          "Stop after this many rounds without improvement and keep the best round (0 = off)."),
      key("train.early_stopping.metric", T::kString, "",
          "Metric watched (and drawn in train/curve.json): accuracy, auc, f1, logloss, pr_auc, "
          "mae, r2 or rmse; default logloss (classification) or rmse (regression)."),
      key("train.early_stopping.validation", T::kFloat, "0.1",
          "Fraction of the training side held out as the validation set (seeded; stratified, "
          "or grouped for a group split); never the holdout."),
      key("registry", T::kMap, "", "The model registry: where trained versions are registered."),
      key("registry.model", T::kString, "", "Registered model name; default the workflow name."),
      key("registry.gate", T::kMap, "",
          "Promotion gate: a new version becomes `champion` only if it beats the current "
          "champion on the holdout metric; otherwise it is `challenger`."),
      key("registry.gate.metric", T::kString, "",
          "Holdout metric compared; default auc (binary), logloss (multiclass), rmse "
          "(regression)."),
      key("registry.gate.min_delta", T::kFloat, "0",
          "Improvement over the champion required, in the metric's units."),
      key("predict", T::kMap, "", "Batch prediction."),
      key("predict.input", T::kPath, "",
          "File to score; default this run's clean ingest table. When set (or given with "
          "`--input`), `mlops batch-predict` starts a new run."),
      key("predict.id_columns", T::kStringList, "",
          "Columns copied into the predictions to identify rows (and to join labels in "
          "`mlops evaluate`)."),
      key("predict.model", T::kString, "champion",
          "Registered model version to score with: an alias or a version number (`3`, `v3`)."),
      key("predict.shard", T::kString, "",
          "`K/N`: score only shard K (0-based) of N contiguous parts of the input; shards "
          "concatenate to the unsharded output."),
      key("predict.output", T::kPath, "",
          "Also write the predictions to this file (atomically; its folder is created), e.g. one "
          "file per "
          "shard."),
      key("predict.scored_at", T::kString, "",
          "Timestamp recorded as `scored_at` (default now), so shards of one job agree."),
      key("predict.log_predictions", T::kBool, "true",
          "Append every prediction to the evaluation store (needs predict.id_columns)."),
      key("evaluation", T::kMap, "", "Live evaluation of logged predictions."),
      key("evaluation.window", T::kEnum, "1d",
          "Time window live metrics are grouped by (on scored_at).", {"1h", "1d", "7d", "30d"}),
      key("report", T::kMap, "", "The HTML report."),
      key("report.title", T::kString, "", "Report title; default the workflow name."),
      key("online_store", T::kMap, "",
          "The online feature store `mlops materialize` writes and lookups read "
          "(docs/features.md)."),
      key("online_store.url", T::kString, "",
          "`sqlite:PATH` (embedded), `redis://[:PASSWORD@]HOST:PORT[/DB]` or "
          "`postgresql://USER[:PASSWORD]@HOST[:PORT]/DB`; default store.url when that is "
          "PostgreSQL (views, watermarks and values shared by every machine), else "
          "`sqlite:online.db` next to runs_dir. Give a password as `${VAR}`: it is masked "
          "wherever the URL is printed or written."),
      key("serve", T::kMap, "",
          "`mlops serve`: the online prediction API (docs/serving.md). Server keys (host .. "
          "token) are read from the first served workflow's config; the others per workflow."),
      key("serve.host", T::kString, "127.0.0.1",
          "Address to listen on; `0.0.0.0` exposes the API beyond this machine."),
      key("serve.port", T::kInt, "8080", "TCP port (`0`: any free port, printed at start)."),
      key("serve.threads", T::kInt, "8",
          "Worker threads; each serves one connection at a time (keep-alive connections stay "
          "with their worker until idle for `serve.keep_alive_timeout`)."),
      key("serve.queue", T::kInt, "64",
          "Accepted connections that may wait for a worker; beyond it a connection gets 503 at "
          "once."),
      key("serve.http_server", T::kEnum, "loop",
          "HTTP server: `threads` (cpp-httplib, a worker thread per connection: serve.threads, "
          "serve.queue) or `loop` (event loops over non-blocking sockets: serve.loop_threads, "
          "serve.max_connections); docs/serving.md.",
          {"threads", "loop"}),
      key("serve.loop_threads", T::kInt, "0",
          "`loop` server: event-loop threads (`0`: one per CPU the process may use: its affinity "
          "mask, bounded by its cgroup CPU quota, e.g. a container limit)."),
      key("serve.max_connections", T::kInt, "1024",
          "`loop` server: connections at once; a request on a further connection gets 503 with "
          "Retry-After at once."),
      key("serve.alias", T::kString, "champion",
          "Registry alias (or version: `3`, `v3`) each workflow's model is served from."),
      key("serve.reload_interval", T::kFloat, "10",
          "Seconds between two looks at the registry for a changed alias (a promotion or a "
          "rollback, loaded off the request path and swapped in); `0`: only on SIGHUP."),
      key("serve.drain_timeout", T::kFloat, "10",
          "Seconds SIGTERM/SIGINT waits for requests in flight before the prediction log is "
          "flushed and the process exits."),
      key("serve.read_timeout", T::kFloat, "5",
          "Seconds a client may take to send a request (slow clients are cut off)."),
      key("serve.write_timeout", T::kFloat, "5", "Seconds a client may take to read an answer."),
      key("serve.keep_alive_timeout", T::kFloat, "2",
          "Seconds an idle keep-alive connection is kept open (it holds its worker)."),
      key("serve.keep_alive_requests", T::kInt, "1000",
          "Requests on one connection before the server closes it."),
      key("serve.max_body_bytes", T::kInt, "1048576",
          "Largest request body accepted; a larger one gets 413."),
      key("serve.max_json_depth", T::kInt, "8",
          "Deepest nesting of arrays and objects accepted in a request body; deeper gets 413."),
      key("serve.max_rows", T::kInt, "1000", "Most rows one predict request may hold (413)."),
      key("serve.token", T::kString, "",
          "Bearer token every request but /healthz must carry (`Authorization: Bearer ...`, "
          "compared in constant time, 401 otherwise); give it as `${MLOPS_SERVE_TOKEN}`. "
          "Unset: no authentication; set but empty (an empty variable) is a config error."),
      key("serve.default_prediction", T::kString, "",
          "Fallback step 4: the prediction answered (source `default`) when the model, the "
          "batch prediction and the baseline all cannot answer; empty: 503."),
      key("serve.fallback", T::kMap, "", "Which fallback steps are taken (docs/serving.md)."),
      key("serve.fallback.batch", T::kBool, "true",
          "Step 2: the key's latest materialized batch prediction (a view with `source: "
          "predictions`) when features are missing or stale, or the model cannot score."),
      key("serve.fallback.baseline", T::kBool, "true",
          "Step 3: the baseline trained beside the model, on the fields available."),
      key("serve.log", T::kMap, "",
          "The prediction log: every served prediction, written to the evaluation store in "
          "batches by a background thread, through an on-disk journal while the store cannot "
          "take them (docs/serving.md, \"Prediction log\")."),
      key("serve.log.queue_capacity", T::kInt, "65536",
          "Served predictions held in memory for the store; when full, a prediction goes "
          "straight to the journal (a request never waits)."),
      key("serve.log.batch_size", T::kInt, "512",
          "Served predictions written to the evaluation store per transaction."),
      key("serve.log.flush_interval", T::kFloat, "0.2",
          "Seconds a partial batch waits before it is written."),
      key("serve.log.journal_dir", T::kPath, "",
          "Directory of the journal (segment files replayed into the evaluation store when it "
          "is reachable again, also after a restart); default `serve-journal` next to "
          "runs_dir. Keep it on a local disk, apart from the store."),
      key("notify", T::kMap, "",
          "Webhook notifications of run events, Slack-compatible (docs/notifications.md). A "
          "notification that cannot be delivered is logged as a warning and never fails the "
          "command."),
      key("notify.on", T::kStringList, "",
          "Events notified: `failure` (a stage failed), `contract_failed` (an `error` contract "
          "check failed), `drift` (batch-predict measured a feature's PSI >= 0.25), `promoted` "
          "(a version became an alias's holder: the gate in a run, or `mlops models promote`), "
          "`rolled_back` (`mlops models rollback`); default none.",
          {"failure", "contract_failed", "drift", "promoted", "rolled_back"}),
      key("notify.webhooks", T::kStringList, "",
          "Webhook URLs each event is POSTed to (Slack, Mattermost, Teams or any JSON "
          "receiver). A URL is a secret: give each as `${VAR}` "
          "(`[\"${MLOPS_SLACK_WEBHOOK}\"]`); it is never printed or written (logs show "
          "`scheme://host/****`). An empty item (an unset `${VAR:-}`) is ignored; any other "
          "item must be an `http://` or `https://` URL with a host (else a config error, exit "
          "2, that does not quote it)."),
      key("notify.link", T::kString, "",
          "A link put in every message beside the report's path, e.g. the CI run's page "
          "(`${GITHUB_SERVER_URL}/${GITHUB_REPOSITORY}/actions/runs/${GITHUB_RUN_ID}`)."),
      key("notify.timeout", T::kFloat, "5",
          "Seconds one attempt may take (connecting included) before it counts as failed."),
      key("notify.retries", T::kInt, "3",
          "Retries of a webhook after a 5xx, 408, 429 or transfer failure (refused, timed "
          "out); other answers are not retried."),
      key("notify.backoff", T::kFloat, "0.5",
          "Seconds before the first retry, doubled each retry (full jitter; a 429/503's "
          "Retry-After is honoured)."),
      key("notify.deadline", T::kFloat, "15",
          "Most seconds one event may hold the command, every webhook, attempt and wait "
          "included (the webhooks are sent to at once, each with the whole deadline); what is "
          "not delivered by then is given up with a warning."),
      key("entities", T::kMapList, "",
          "What features are looked up by: a list of `{name, keys}` (docs/features.md)."),
      key("entities.name", T::kString, "", "Entity name, unique in the workflow (required)."),
      key("entities.keys", T::kAny, "",
          "Key columns: a list of names (typed string) or a map `column: dtype` (int, string)."),
      key("entities.description", T::kString, "", "What the entity is."),
      key("feature_views", T::kMapList, "",
          "Named groups of features of one entity, with their event time (docs/features.md)."),
      key("feature_views.name", T::kString, "", "View name, unique in the workflow (required)."),
      key("feature_views.entity", T::kString, "", "The entity the view is keyed by (required)."),
      key("feature_views.source", T::kAny, "",
          "Where its rows come from: `{table: T}` (a clean table of this workflow's lake), "
          "`{workflow: W, table: T}` (another workflow's lake), `featurize` (this workflow's "
          "latest features) or `predictions` (its latest batch predictions) (required)."),
      key("feature_views.event_time", T::kString, "",
          "Timestamp column: when each row's values became true (required but for "
          "`predictions`, whose event time is `scored_at`)."),
      key("feature_views.features", T::kAny, "",
          "Features: a list of column names, or of `{name, expr}` computed per row (the "
          "expression language); default every column but the keys and the event time."),
      key("feature_views.ttl", T::kString, "",
          "How long a value stays valid after its event time (`90s`, `30m`, `12h`, `7d`, `2w`): "
          "joins take no older row, lookups mark older values `stale`; default forever."),
      key("feature_views.online", T::kBool, "true",
          "Materialized into the online store (`mlops materialize`)."),
      key("feature_views.description", T::kString, "", "What the view holds."),
      key("contracts", T::kOpenMap, "",
          "Stage name (ingest, featurize, validate, train, predict) -> an inline contract or a "
          "contract file path (docs/contracts.md); parsed, files read, when the workflow is "
          "loaded."),
  };
  return keys;
}

namespace config_detail {

const std::vector<RangeCheck>& range_checks() {
  constexpr double kIntMax = std::numeric_limits<int>::max();
  constexpr double kSeedMax = static_cast<double>(std::numeric_limits<int64_t>::max());
  constexpr double kFloatMax = std::numeric_limits<double>::max();
  static const std::vector<RangeCheck> checks{
      {"seed", 0, kSeedMax, false, "must not be negative"},
      {"train.rounds", 1, kIntMax, false, "must be from 1 to 2147483647"},
      {"train.split.holdout", 0, 1, true, "must be between 0 and 1 (exclusive)"},
      {"train.split.seed", 0, kSeedMax, false, "must not be negative"},
      {"train.cv.folds", 0, 100, false, "must be from 0 to 100"},
      {"train.early_stopping.rounds", 0, kIntMax, false, "must not be negative"},
      {"train.early_stopping.validation", 0, 1, true, "must be between 0 and 1 (exclusive)"},
      {"train.params.max_depth", 0, kIntMax, false, "must not be negative"},
      {"train.params.max_leaves", 0, kIntMax, false, "must not be negative"},
      {"train.params.max_bin", 2, kIntMax, false, "must be from 2 to 2147483647"},
      {"train.params.eta", 0, kFloatMax, false, "must not be negative"},
      {"train.params.learning_rate", 0, kFloatMax, false, "must not be negative"},
      {"train.params.gamma", 0, kFloatMax, false, "must not be negative"},
      {"train.params.min_split_loss", 0, kFloatMax, false, "must not be negative"},
      {"train.params.min_child_weight", 0, kFloatMax, false, "must not be negative"},
      {"train.params.max_delta_step", 0, kFloatMax, false, "must not be negative"},
      {"train.params.subsample", 0, 1, false, "must be from 0 to 1"},
      {"train.params.colsample_bytree", 0, 1, false, "must be from 0 to 1"},
      {"train.params.colsample_bylevel", 0, 1, false, "must be from 0 to 1"},
      {"train.params.colsample_bynode", 0, 1, false, "must be from 0 to 1"},
      {"train.params.lambda", 0, kFloatMax, false, "must not be negative"},
      {"train.params.reg_lambda", 0, kFloatMax, false, "must not be negative"},
      {"train.params.alpha", 0, kFloatMax, false, "must not be negative"},
      {"train.params.reg_alpha", 0, kFloatMax, false, "must not be negative"},
      {"train.params.scale_pos_weight", 0, kFloatMax, false, "must not be negative"},
      {"train.params.num_parallel_tree", 1, kIntMax, false, "must be from 1 to 2147483647"},
      {"train.params.rate_drop", 0, 1, false, "must be from 0 to 1"},
      {"train.params.skip_drop", 0, 1, false, "must be from 0 to 1"},
      {"train.params.one_drop", 0, 1, false, "must be 0 or 1"},
      {"train.params.tweedie_variance_power", 1, 2, false, "must be from 1 to 2"},
      {"train.params.verbosity", 0, 3, false, "must be from 0 to 3"},
      {"ingest.source.connect_timeout", 0, 3600, true, "must be above 0 and below 3600"},
      {"ingest.source.timeout", 0, 86400, true, "must be above 0 and below 86400"},
      {"ingest.source.pagination.size", 1, kIntMax, false, "must be from 1 to 2147483647"},
      {"ingest.source.pagination.max_pages", 0, kIntMax, false, "must not be negative"},
      {"ingest.source.poll.count", 1, kIntMax, false, "must be from 1 to 2147483647"},
      {"ingest.source.poll.interval", 0, 86400, false, "must be from 0 to 86400"},
      {"ingest.source.retry.max_retries", 0, 100, false, "must be from 0 to 100"},
      {"ingest.source.retry.backoff", 0, 3600, false, "must be from 0 to 3600"},
      {"ingest.source.retry.max_backoff", 0, 3600, false, "must be from 0 to 3600"},
      {"ingest.source.retry.budget", 0, kIntMax, false, "must not be negative"},
      {"ingest.source.batch_size", 1, kIntMax, false, "must be from 1 to 2147483647"},
      {"ingest.source.max_messages", 0, kIntMax, false, "must not be negative"},
      {"ingest.source.idle_timeout", 0, 86400, true, "must be above 0 and below 86400"},
      {"ingest.follow.max_delay", 0, 3600, true, "must be above 0 and below 3600"},
      {"notify.timeout", 0, 600, true, "must be above 0 and below 600"},
      {"notify.retries", 0, 20, false, "must be from 0 to 20"},
      {"notify.backoff", 0, 600, false, "must be from 0 to 600"},
      {"notify.deadline", 0, 3600, true, "must be above 0 and below 3600"},
      {"serve.port", 0, 65535, false, "must be from 0 to 65535"},
      {"serve.threads", 1, 1024, false, "must be from 1 to 1024"},
      {"serve.queue", 1, 1'000'000, false, "must be from 1 to 1000000"},
      {"serve.loop_threads", 0, 1024, false, "must be from 0 to 1024"},
      {"serve.max_connections", 1, 1'000'000, false, "must be from 1 to 1000000"},
      {"serve.reload_interval", 0, 86400, false, "must be from 0 to 86400"},
      {"serve.drain_timeout", 0, 3600, true, "must be above 0 and below 3600"},
      {"serve.read_timeout", 0, 3600, true, "must be above 0 and below 3600"},
      {"serve.write_timeout", 0, 3600, true, "must be above 0 and below 3600"},
      {"serve.keep_alive_timeout", 0, 3600, true, "must be above 0 and below 3600"},
      {"serve.keep_alive_requests", 1, kIntMax, false, "must be from 1 to 2147483647"},
      {"serve.max_body_bytes", 1, 1'073'741'824, false, "must be from 1 to 1073741824"},
      {"serve.max_json_depth", 2, 1000, false, "must be from 2 to 1000"},
      {"serve.max_rows", 1, 1'000'000, false, "must be from 1 to 1000000"},
      {"serve.log.queue_capacity", 1, kIntMax, false, "must be from 1 to 2147483647"},
      {"serve.log.batch_size", 1, kIntMax, false, "must be from 1 to 2147483647"},
      {"serve.log.flush_interval", 0, 3600, true, "must be above 0 and below 3600"},
  };
  return checks;
}

const RangeCheck* find_range_check(std::string_view path) {
  for (const auto& check : range_checks()) {
    if (check.path == path) return &check;
  }
  return nullptr;
}

}  // namespace config_detail

ConfigNode builtin_defaults() {
  const Origin origin{"built-in", 0, 0};
  ConfigNode root = ConfigNode::map(origin);
  for (const auto& key : config_keys()) {
    // A source's defaults apply per source (ingest reads them from this table): merged here
    // they would only reach the map form, and fill every file source with http keys.
    if (key.path.starts_with("ingest.source.")) continue;
    if (key.path.starts_with("entities.") || key.path.starts_with("feature_views.")) continue;
    // XGBoost's parameters are sent as the workflow wrote them, and only those: their defaults
    // are documentation (XGBoost's own) or read by train_param (model/train), never merged.
    if (key.path.starts_with("train.params.")) continue;
    if (!key.default_value.empty()) {
      config_detail::set_path(root, key.path, ConfigNode::scalar(key.default_value, origin));
    }
  }
  return root;
}

}  // namespace mlops

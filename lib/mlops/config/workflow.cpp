// build_workflow / build_settings: the typed view the rest of lib/ reads instead of YAML.

#include "mlops/config/workflow.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>

#include "mlops/config/column_decls.h"
#include "mlops/config/node_values.h"
#include "mlops/config/schema.h"
#include "mlops/config/train_params.h"
#include "mlops/core/error.h"
#include "mlops/core/hash.h"
#include "mlops/core/secret_mask.h"
#include "mlops/core/suggest.h"
#include "mlops/core/time.h"

namespace mlops {
namespace {

// The origin of the deepest existing node on `path`: where a missing key should have been.
Origin nearest_origin(const ConfigNode& tree, std::string_view path) {
  const ConfigNode* nearest = &tree;
  for (size_t dot = path.find('.'); dot != std::string_view::npos; dot = path.find('.', dot + 1)) {
    const ConfigNode* node = tree.find_path(path.substr(0, dot));
    if (!node || !node->is_map()) break;
    nearest = node;
  }
  return nearest->origin();
}

std::string required_string(const ConfigNode& tree, std::string_view path) {
  const ConfigNode* node = value_at(tree, path);
  if (!node) {
    throw ConfigError("{}: key '{}' is required", nearest_origin(tree, path).describe(), path);
  }
  std::string text = node->as_string(path);
  if (text.empty()) {
    throw ConfigError("{}: key '{}' must not be empty", node->origin().describe(), path);
  }
  return text;
}

// `lake` beside the runs directory: runs -> lake, /tmp/t/runs -> /tmp/t/lake. Never inside it
// (run folders are listed there), and a test pointing runs_dir at a temp dir gets its own lake.
std::string sibling_of_runs(const std::string& runs_dir, const char* name) {
  std::filesystem::path runs = std::filesystem::path(runs_dir).lexically_normal();
  if (!runs.has_filename()) runs = runs.parent_path();  // "runs/" -> "runs"
  return (runs.parent_path() / name).string();
}

// A webhook is an http:// or https:// URL with a host and no space: anything else (a typo, a
// pasted curl command, ftp://) would only show as an undelivered notification on the day a run
// fails. The value is a secret, so the error never quotes it.
void check_webhook_url(std::string_view url, const Origin& origin, size_t index) {
  const auto starts_with = [&](std::string_view scheme) {
    return url.size() > scheme.size() &&
           std::equal(scheme.begin(), scheme.end(), url.begin(), [](char a, char b) {
             return a == std::tolower(static_cast<unsigned char>(b));
           });
  };
  const size_t host = starts_with("https://") ? 8 : starts_with("http://") ? 7 : 0;
  const bool has_space = std::any_of(url.begin(), url.end(), [](char c) {
    return std::isspace(static_cast<unsigned char>(c)) != 0;
  });
  if (host == 0 || url[host] == '/' || url[host] == ':' || has_space) {
    throw ConfigError(
        "{}: key 'notify.webhooks[{}]': expected an http:// or https:// URL with a host and no "
        "spaces (the value is a secret and is not shown)",
        origin.describe(), index);
  }
}

Settings read_settings(const ConfigNode& tree, const std::string& env) {
  Settings settings;
  settings.env = env;
  settings.data_dir = read_string(tree, "data_dir", settings.data_dir);
  settings.runs_dir = read_string(tree, "runs_dir", settings.runs_dir);
  settings.log_format = read_string(tree, "log_format", settings.log_format);
  settings.log_level = read_string(tree, "log_level", settings.log_level);
  if (const ConfigNode* seed = value_at(tree, "seed")) {
    settings.seed = static_cast<uint64_t>(seed->as_int("seed"));  // schema: not negative
  }
  settings.workflows = read_list(tree, "workflows");
  settings.store_path = read_string(
      tree, "store.path", (std::filesystem::path(settings.runs_dir) / "mlops.db").string());
  settings.store_url = read_string(tree, "store.url", "");
  settings.store_artifacts = read_string(tree, "store.artifacts", settings.store_artifacts);
  settings.lake_dir = read_string(tree, "lake_dir", sibling_of_runs(settings.runs_dir, "lake"));
  settings.models_dir =
      read_string(tree, "models_dir", sibling_of_runs(settings.runs_dir, "models"));
  settings.online_store_url = read_string(tree, "online_store.url", "");
  if (settings.online_store_url.empty()) {
    // With a PostgreSQL store, the feature store's metadata, watermarks and values go to the
    // same database, shared by every machine; otherwise a SQLite file beside runs_dir.
    settings.online_store_url = settings.store_url.starts_with("postgresql://") ||
                                        settings.store_url.starts_with("postgres://")
                                    ? settings.store_url
                                    : "sqlite:" + sibling_of_runs(settings.runs_dir, "online.db");
  }
  ServeLogSettings& serve_log = settings.serve_log;
  if (const ConfigNode* node = value_at(tree, "serve.log.queue_capacity")) {
    serve_log.queue_capacity = static_cast<uint64_t>(node->as_int("serve.log.queue_capacity"));
  }
  if (const ConfigNode* node = value_at(tree, "serve.log.batch_size")) {
    serve_log.batch_size = static_cast<uint64_t>(node->as_int("serve.log.batch_size"));
  }
  if (const ConfigNode* node = value_at(tree, "serve.log.flush_interval")) {
    serve_log.flush_interval = node->as_double("serve.log.flush_interval");
  }
  serve_log.journal_dir = read_string(tree, "serve.log.journal_dir",
                                      sibling_of_runs(settings.runs_dir, "serve-journal"));
  NotifySettings& notify = settings.notify;
  notify.on = read_list(tree, "notify.on");
  const ConfigNode* webhooks = value_at(tree, "notify.webhooks");
  std::vector<std::string> urls = read_list(tree, "notify.webhooks");
  for (size_t i = 0; i < urls.size(); ++i) {
    std::string& url = urls[i];
    if (url.empty()) continue;  // "${MLOPS_SLACK_WEBHOOK:-}" with the secret unset
    register_secret(url);       // a webhook URL is its own credential, however it was given
    const ConfigNode& item = webhooks->is_sequence() ? webhooks->items()[i] : *webhooks;
    check_webhook_url(url, item.origin(), i);
    notify.webhooks.push_back(std::move(url));
  }
  notify.link = read_string(tree, "notify.link", "");
  if (const ConfigNode* node = value_at(tree, "notify.timeout")) {
    notify.timeout = node->as_double("notify.timeout");
  }
  if (const ConfigNode* node = value_at(tree, "notify.retries")) {
    notify.retries = static_cast<int>(node->as_int("notify.retries"));
  }
  if (const ConfigNode* node = value_at(tree, "notify.backoff")) {
    notify.backoff = node->as_double("notify.backoff");
  }
  if (const ConfigNode* node = value_at(tree, "notify.deadline")) {
    notify.deadline = node->as_double("notify.deadline");
  }
  return settings;
}

std::vector<ConfigNode> read_transforms(const ConfigNode& tree) {
  const ConfigNode* node = value_at(tree, "featurize.transforms");
  if (!node) return {};
  if (!node->is_sequence()) {
    throw ConfigError("{}: key 'featurize.transforms': expected a list of maps",
                      node->origin().describe());
  }
  for (size_t i = 0; i < node->items().size(); ++i) {
    const ConfigNode& item = node->items()[i];
    if (!item.is_map()) {
      throw ConfigError("{}: key 'featurize.transforms[{}]': expected a map with a 'type'",
                        item.origin().describe(), i);
    }
  }
  return node->items();
}

std::vector<std::pair<std::string, std::string>> read_params(const ConfigNode& tree) {
  std::vector<std::pair<std::string, std::string>> params;
  const ConfigNode* node = value_at(tree, "train.params");
  if (!node) return params;
  for (const auto& [name, value] : node->entries()) {
    if (value.is_null()) continue;                   // lets a higher layer drop a parameter
    const std::string key = "train.params." + name;  // the schema checked name and type
    if (name == "objective") {
      throw ConfigError("{}: key '{}': set train.objective instead", value.origin().describe(),
                        key);
    }
    params.emplace_back(name, value.text());
  }
  return params;
}

std::map<std::string, ConfigNode> read_contracts(const ConfigNode& tree) {
  static const std::vector<std::string> kStages{"ingest", "featurize", "validate", "train",
                                                "predict"};
  std::map<std::string, ConfigNode> contracts;
  const ConfigNode* node = value_at(tree, "contracts");
  if (!node) return contracts;
  for (const auto& [stage, contract] : node->entries()) {
    if (std::find(kStages.begin(), kStages.end(), stage) == kStages.end()) {
      throw ConfigError("{}: key 'contracts.{}': unknown stage '{}'{}",
                        contract.origin().describe(), stage, stage, did_you_mean(stage, kStages));
    }
    if (contract.is_null()) continue;
    if (contract.is_sequence()) {
      throw ConfigError(
          "{}: key 'contracts.{}': expected a contract map or a file path, got a list",
          contract.origin().describe(), stage);
    }
    contracts.emplace(stage, contract);
  }
  return contracts;
}

// What each source type cannot work without.
const char* required_key(const std::string& type) {
  if (type == "http") return "url";
  if (type == "kafka") return "brokers";
  return "path";  // file, sqlite
}

// A one-character CSV option (`delimiter`, `quote`) of a source map; `fallback` when unset.
// "\t" written with a backslash (a single-quoted YAML string) is a tab too.
char csv_char(const ConfigNode& map, const std::string& key, const char* name, char fallback) {
  const ConfigNode* node = map.get(name);
  if (!node || node->is_null()) return fallback;
  std::string value = node->as_string(key + "." + name);
  if (value == "\\t") value = "\t";
  if (value.size() != 1) {
    throw ConfigError("{}: key '{}.{}': must be exactly one character, got '{}'",
                      node->origin().describe(), key, name, value);
  }
  if (value[0] == '\n' || value[0] == '\r') {
    throw ConfigError("{}: key '{}.{}': must not be a line end", node->origin().describe(), key,
                      name);
  }
  return value[0];
}

// One source map; `key` is how messages name it: "ingest.source" or "ingest.source[1]".
SourceSpec read_source(const ConfigNode& tree, const ConfigNode& map, const std::string& key) {
  SourceSpec source;
  auto text = [&](const char* name, std::string fallback) {
    const ConfigNode* node = map.get(name);
    return node && !node->is_null() ? node->as_string(key + "." + name) : fallback;
  };
  source.type = text("type", source.type);
  source.format = text("format", source.format);
  source.encoding = text("encoding", source.encoding);
  source.delimiter = csv_char(map, key, "delimiter", 0);
  source.quote = csv_char(map, key, "quote", '"');
  const char delimiter = source.delimiter ? source.delimiter : source.format == "tsv" ? '\t' : ',';
  if (source.quote == delimiter) {
    const ConfigNode* quote = map.get("quote");
    throw ConfigError("{}: key '{}.quote': must differ from the field delimiter '{}'",
                      (quote ? quote : map.get("delimiter"))->origin().describe(), key,
                      delimiter == '\t' ? std::string("\\t") : std::string(1, delimiter));
  }
  source.name = text("name", "");
  source.table = text("table", "");
  source.path = text("path", "");
  const std::string required = required_key(source.type);
  if (text(required.c_str(), "").empty()) {
    // The map form names the key like every other key; a list item names its position.
    const Origin origin =
        key == "ingest.source" ? nearest_origin(tree, key + "." + required) : map.origin();
    throw ConfigError("{}: key '{}.{}' is required", origin.describe(), key, required);
  }
  if (source.type == "sqlite" && text("query", "").empty()) {
    throw ConfigError("{}: key '{}.query' is required for a sqlite source", map.origin().describe(),
                      key);
  }
  if (source.type == "kafka" && !map.get("topics") && text("topic_pattern", "").empty()) {
    throw ConfigError("{}: a kafka source needs '{}.topics' or '{}.topic_pattern'",
                      map.origin().describe(), key, key);
  }
  source.options = map;
  return source;
}

std::vector<SourceSpec> read_sources(const ConfigNode& tree, const std::string& workflow_name) {
  const ConfigNode* node = value_at(tree, "ingest.source");
  std::vector<SourceSpec> sources;
  if (!node || node->is_map()) {
    const ConfigNode empty = ConfigNode::map(nearest_origin(tree, "ingest.source"));
    sources.push_back(read_source(tree, node ? *node : empty, "ingest.source"));
  } else {
    if (node->items().empty()) {
      throw ConfigError("{}: key 'ingest.source': expected at least one source",
                        node->origin().describe());
    }
    for (size_t i = 0; i < node->items().size(); ++i) {
      const std::string key = "ingest.source[" + std::to_string(i) + "]";
      sources.push_back(read_source(tree, node->items()[i], key));
      if (sources.back().name.empty() && node->items().size() > 1) {
        throw ConfigError("{}: key '{}.name' is required when there are several sources",
                          node->items()[i].origin().describe(), key);
      }
    }
  }
  for (size_t i = 0; i < sources.size(); ++i) {
    SourceSpec& source = sources[i];
    if (source.name.empty()) source.name = workflow_name;
    if (source.table.empty()) source.table = source.name;
    for (size_t j = 0; j < i; ++j) {
      if (sources[j].name == source.name) {
        throw ConfigError("{}: two sources are named '{}'; names must be unique",
                          source.options.origin().describe(), source.name);
      }
    }
  }
  return sources;
}

// `label: {column: y}` or a computed `label: {name: delayed, expr: "delay > 15"}`.
FeaturizeSourceSpec read_featurize_source(const ConfigNode& tree, const FeatureStoreSpec& store) {
  FeaturizeSourceSpec source;
  source.type = read_string(tree, "featurize.source.type", source.type);
  source.entities = read_string(tree, "featurize.source.entities", "");
  source.features = read_list(tree, "featurize.source.features");
  source.event_time = read_string(tree, "featurize.source.event_time", source.event_time);
  source.origin = nearest_origin(tree, "featurize.source.type").describe();
  if (source.type != "historical") return source;
  if (source.entities.empty() || source.features.empty()) {
    throw ConfigError(
        "{}: key 'featurize.source': type historical needs 'entities' (a file) and "
        "'features' (a list of VIEW or VIEW:COL,COL)",
        source.origin);
  }
  std::vector<std::string> names;
  for (const FeatureViewSpec& view : store.views) names.push_back(view.name);
  for (const std::string& request : source.features) {
    const std::string view = request.substr(0, request.find(':'));
    if (!store.view(view)) {
      throw ConfigError("{}: key 'featurize.source.features': unknown feature view '{}'{}",
                        nearest_origin(tree, "featurize.source.features").describe(), view,
                        did_you_mean(view, names));
    }
  }
  return source;
}

LabelSpec read_label(const ConfigNode& tree) {
  LabelSpec label;
  label.column = read_string(tree, "featurize.label.column", "");
  const std::string name = read_string(tree, "featurize.label.name", "");
  const ConfigNode* expr = value_at(tree, "featurize.label.expr");
  if (!expr && name.empty()) return label;
  const Origin origin = nearest_origin(tree, "featurize.label.name");
  if (!label.column.empty()) {
    throw ConfigError(
        "{}: key 'featurize.label': give either 'column' or 'name' with 'expr', not both",
        origin.describe());
  }
  if (!expr) {
    throw ConfigError("{}: key 'featurize.label.expr' is required with 'featurize.label.name'",
                      origin.describe());
  }
  if (name.empty()) {
    throw ConfigError("{}: key 'featurize.label.name' is required with 'featurize.label.expr'",
                      expr->origin().describe());
  }
  label.column = name;
  label.expr = expr->as_string("featurize.label.expr");
  label.origin = expr->origin().describe();
  return label;
}

/// predict.model, shard ("K/N"), output, scored_at and log_predictions.
void read_predict_options(const ConfigNode& tree, PredictSpec& predict) {
  predict.model = read_string(tree, "predict.model", predict.model);
  if (predict.model.empty()) predict.model = "champion";
  predict.output = read_string(tree, "predict.output", "");
  predict.scored_at = read_string(tree, "predict.scored_at", "");
  if (!predict.scored_at.empty() && !parse_timestamp(predict.scored_at)) {
    throw ConfigError(
        "{}: key 'predict.scored_at': '{}' is not a timestamp (YYYY-MM-DD[ HH:MM:SS])",
        value_at(tree, "predict.scored_at")->origin().describe(), predict.scored_at);
  }
  if (const ConfigNode* log = value_at(tree, "predict.log_predictions")) {
    predict.log_predictions = log->as_bool("predict.log_predictions");
  }
  const std::string shard = read_string(tree, "predict.shard", "");
  if (!shard.empty()) {
    unsigned long long index = 0, count = 0;
    char tail = 0;
    if (std::sscanf(shard.c_str(), "%llu/%llu%c", &index, &count, &tail) != 2 || count == 0 ||
        index >= count) {
      throw ConfigError(
          "{}: key 'predict.shard': '{}' must be K/N with 0 <= K < N (e.g. 0/4 .. 3/4)",
          value_at(tree, "predict.shard")->origin().describe(), shard);
    }
    predict.shard_index = index;
    predict.shard_count = count;
  }
}

TrainSpec read_train(const ConfigNode& tree, uint64_t default_seed) {
  TrainSpec train;
  train.objective = read_string(tree, "train.objective", train.objective);
  if (std::string problem = objective_problem(train.objective); !problem.empty()) {
    throw ConfigError("{}: key 'train.objective': {}",
                      value_at(tree, "train.objective")->origin().describe(), problem);
  }
  if (const ConfigNode* rounds = value_at(tree, "train.rounds")) {
    train.rounds = static_cast<int>(rounds->as_int("train.rounds"));  // schema: 1..INT_MAX
  }
  train.split.type = read_string(tree, "train.split.type", train.split.type);
  train.split.column = read_string(tree, "train.split.column", train.split.column);
  train.split.holdout_from =
      read_string(tree, "train.split.holdout_from", train.split.holdout_from);
  if (train.split.type != "random" && train.split.column.empty()) {
    const ConfigNode* type = value_at(tree, "train.split.type");
    throw ConfigError("{}: key 'train.split.column' is required for a {} split",
                      type ? type->origin().describe() : tree.origin().describe(),
                      train.split.type);
  }
  if (const ConfigNode* holdout = value_at(tree, "train.split.holdout")) {
    train.split.holdout = holdout->as_double("train.split.holdout");
  }
  if (const ConfigNode* stratify = value_at(tree, "train.split.stratify")) {
    train.split.stratify = stratify->as_bool("train.split.stratify");
  }
  train.split.seed = default_seed;
  if (const ConfigNode* seed = value_at(tree, "train.split.seed")) {
    train.split.seed = static_cast<uint64_t>(seed->as_int("train.split.seed"));
  }
  train.params = read_params(tree);
  if (const ConfigNode* folds = value_at(tree, "train.cv.folds")) {
    train.cv_folds = static_cast<int>(folds->as_int("train.cv.folds"));  // schema: 0 or 2..100
  }
  EarlyStoppingSpec& stopping = train.early_stopping;
  if (const ConfigNode* rounds = value_at(tree, "train.early_stopping.rounds")) {
    stopping.rounds = static_cast<int>(rounds->as_int("train.early_stopping.rounds"));
  }
  stopping.metric = read_string(tree, "train.early_stopping.metric", stopping.metric);
  if (const ConfigNode* validation = value_at(tree, "train.early_stopping.validation")) {
    stopping.validation = validation->as_double("train.early_stopping.validation");
  }
  return train;
}

}  // namespace

Settings build_settings(const ConfigNode& tree, const std::string& env) {
  validate_against_schema(tree);
  return read_settings(tree, env);
}

Workflow build_workflow(const ConfigNode& tree, const std::string& env) {
  // Validated again so a hand-built tree gets the same checks as one from load_config.
  validate_against_schema(tree);
  Workflow workflow;
  workflow.settings = read_settings(tree, env);
  workflow.path = tree.origin().file;  // load_config sets the root's origin to the workflow file

  workflow.name = required_string(tree, "name");
  workflow.description = read_string(tree, "description", "");

  IngestSpec& ingest = workflow.ingest;
  ingest.sources = read_sources(tree, workflow.name);
  ingest.source = ingest.sources.front();
  ingest.table = read_string(tree, "ingest.table", "");
  ingest.schema = config_detail::parse_column_decls(value_at(tree, "ingest.schema"));
  ingest.null_values = read_list(tree, "ingest.null_values");
  if (const ConfigNode* rebuild = value_at(tree, "ingest.rebuild")) {
    ingest.rebuild = rebuild->as_bool("ingest.rebuild");
  }
  if (const ConfigNode* follow = value_at(tree, "ingest.follow.enabled")) {
    ingest.follow = follow->as_bool("ingest.follow.enabled");
  }
  if (const ConfigNode* delay = value_at(tree, "ingest.follow.max_delay")) {
    ingest.follow_max_delay = delay->as_double("ingest.follow.max_delay");
  }

  workflow.featurize.transforms = read_transforms(tree);
  workflow.featurize.label = read_label(tree);
  workflow.featurize.drop = read_list(tree, "featurize.drop");

  workflow.train = read_train(tree, workflow.settings.seed);

  workflow.predict.input = read_string(tree, "predict.input", "");
  workflow.predict.id_columns = read_list(tree, "predict.id_columns");
  read_predict_options(tree, workflow.predict);
  workflow.registry.model = read_string(tree, "registry.model", workflow.name);
  workflow.registry.gate_metric = read_string(tree, "registry.gate.metric", "");
  if (const ConfigNode* delta = value_at(tree, "registry.gate.min_delta")) {
    workflow.registry.gate_min_delta = delta->as_double("registry.gate.min_delta");
  }
  workflow.evaluation.window = read_string(tree, "evaluation.window", "1d");
  workflow.report.title = read_string(tree, "report.title", workflow.name);

  workflow.contracts = read_contracts(tree);
  workflow.feature_store = read_feature_store(tree);
  workflow.featurize.source = read_featurize_source(tree, workflow.feature_store);
  workflow.tree = tree;
  workflow.config_hash = hash_bytes(canonical_text(tree));
  return workflow;
}

}  // namespace mlops

#include "mlops/ingest/kafka_source.h"

#include <chrono>
#include <cstring>
#include <map>
#include <memory>

#include "mlops/core/error.h"
#include "mlops/core/log.h"
#include "mlops/core/stop_signal.h"
#include "mlops/ingest/kafka_api.h"

namespace mlops {

namespace {

using Json = nlohmann::json;
using Clock = std::chrono::steady_clock;
// topic -> partition -> the next offset to read.
using Offsets = std::map<std::string, std::map<int32_t, int64_t>>;

// What the rebalance callback shares with the consume loop.
struct ConsumerState {
  Offsets next;
  bool assigned = false;  // the group gave this consumer its partitions (maybe none)
  bool ever_assigned = false;
  Clock::time_point assigned_at;
};

struct DestroyHandle {
  void operator()(rd_kafka_t* handle) const { kafka().rd_kafka_destroy(handle); }
};
struct DestroyList {
  void operator()(rd_kafka_topic_partition_list_t* list) const {
    kafka().rd_kafka_topic_partition_list_destroy(list);
  }
};
struct DestroyMessage {
  void operator()(rd_kafka_message_t* message) const { kafka().rd_kafka_message_destroy(message); }
};
using PartitionList = std::unique_ptr<rd_kafka_topic_partition_list_t, DestroyList>;

void set_property(rd_kafka_conf_t* conf, const std::string& name, const std::string& value) {
  char error[512];
  if (kafka().rd_kafka_conf_set(conf, name.c_str(), value.c_str(), error, sizeof error) !=
      RD_KAFKA_CONF_OK) {
    kafka().rd_kafka_conf_destroy(conf);
    throw ConfigError("ingest.source.options.{}: {}", name, error);
  }
}

// librdkafka's own log lines go through our logger instead of straight to stderr.
void on_log(const rd_kafka_t*, int level, const char* facility, const char* message) {
  if (level <= 4) {
    log_warn("ingest: kafka client", {{"facility", facility}, {"message", message}});
  } else {
    log_debug("ingest: kafka client", {{"facility", facility}, {"message", message}});
  }
}

// Assigned partitions start where this source's last batch ended (committed or not yet), so
// a rebalance in the middle of a run (a new topic matched the regex) repeats nothing; other
// partitions start from the group's committed offset, or the earliest message.
void on_rebalance(rd_kafka_t* handle, rd_kafka_resp_err_t error,
                  rd_kafka_topic_partition_list_t* partitions, void* opaque) {
  auto& state = *static_cast<ConsumerState*>(opaque);
  const Offsets& next = state.next;
  const bool cooperative =
      std::strcmp(kafka().rd_kafka_rebalance_protocol(handle), "COOPERATIVE") == 0;
  if (error == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
    for (int i = 0; i < partitions->cnt; ++i) {
      rd_kafka_topic_partition_t& partition = partitions->elems[i];
      auto topic = next.find(partition.topic);
      if (topic == next.end()) continue;
      auto offset = topic->second.find(partition.partition);
      if (offset != topic->second.end()) partition.offset = offset->second;
    }
    if (cooperative) {
      rd_kafka_error_t* failure = kafka().rd_kafka_incremental_assign(handle, partitions);
      if (failure) kafka().rd_kafka_error_destroy(failure);
    } else {
      kafka().rd_kafka_assign(handle, partitions);
    }
    state.assigned = true;
    state.ever_assigned = true;
    state.assigned_at = Clock::now();
    log_info("ingest: kafka partitions assigned", {{"partitions", partitions->cnt}});
  } else {
    state.assigned = false;  // until the group hands the partitions out again
    if (cooperative) {
      rd_kafka_error_t* failure = kafka().rd_kafka_incremental_unassign(handle, partitions);
      if (failure) kafka().rd_kafka_error_destroy(failure);
    } else {
      kafka().rd_kafka_assign(handle, nullptr);
    }
  }
}

Offsets offsets_from(const Json& position) {
  Offsets offsets;
  const Json stored = position.value("offsets", Json::object());
  for (const auto& [topic, partitions] : stored.items()) {
    for (const auto& [partition, offset] : partitions.items()) {
      offsets[topic][std::stoi(partition)] = offset.get<int64_t>();
    }
  }
  return offsets;
}

Json offsets_json(const Offsets& offsets) {
  Json out = Json::object();
  for (const auto& [topic, partitions] : offsets) {
    for (const auto& [partition, offset] : partitions) {
      out[topic][std::to_string(partition)] = offset;
    }
  }
  return out;
}

// Messages of one topic waiting for the next commit.
struct Pending {
  std::vector<std::string> texts;
  std::vector<std::string> positions;  // "topic[partition]@offset"
};

// The batch of the pending messages, one clean table per topic; `pending` is emptied.
Batch topic_batch(SourceContext& context, std::map<std::string, Pending>& pending,
                  const Offsets& next) {
  Batch batch;
  for (auto& [topic, messages] : pending) {
    const std::string label = "kafka:" + topic;
    TableBatch table =
        json_batch(topic, label, std::move(messages.texts), context.read_options(label));
    table.record_sources = std::move(messages.positions);
    batch.tables.push_back(std::move(table));
  }
  batch.position = Json{{"offsets", offsets_json(next)}};
  pending.clear();
  return batch;
}

// One message as received: its text waits in `pending`, its offset moves `next` on.
void take_message(std::map<std::string, Pending>& pending, Offsets& next, const std::string& topic,
                  int32_t partition, int64_t offset, std::string body) {
  Pending& messages = pending[topic];
  messages.texts.push_back(std::move(body));
  messages.positions.push_back(fmt::format("{}[{}]@{}", topic, partition, offset));
  next[topic][partition] = offset + 1;
}

}  // namespace

KafkaSourceConfig parse_kafka_config(const SourceOptions& options, const std::string& workflow) {
  KafkaSourceConfig config;
  const SourceSpec& spec = options.spec();
  config.brokers = options.text("brokers");
  config.topics = options.list("topics");
  config.pattern = options.text("topic_pattern");
  if (!config.pattern.empty() && config.pattern.front() != '^') {
    config.pattern.insert(config.pattern.begin(), '^');  // librdkafka's mark of a regex
  }
  if (config.topics.empty() && config.pattern.empty()) {
    throw ConfigError("{}: source '{}' needs topics or topic_pattern",
                      spec.options.origin().describe(), spec.name);
  }
  config.group = options.text("group");
  if (config.group.empty()) config.group = "mlops-" + workflow + "-" + spec.name;
  config.batch_size = options.integer("batch_size");
  config.max_messages = options.integer("max_messages");
  config.idle_timeout = options.number("idle_timeout");
  config.properties = options.entries("options");
  return config;
}

void run_kafka_source(SourceContext& context) {
  const KafkaSourceConfig config = parse_kafka_config(context.options, context.workflow.name);
  const KafkaApi& api = kafka();
  const SourceSpec& spec = context.spec;
  ConsumerState state;
  state.next = offsets_from(context.lake.position(spec.name));
  Offsets& next = state.next;

  rd_kafka_conf_t* conf = api.rd_kafka_conf_new();
  set_property(conf, "bootstrap.servers", config.brokers);
  set_property(conf, "group.id", config.group);
  set_property(conf, "client.id", "mlops-" + spec.name);
  set_property(conf, "enable.auto.commit", "false");  // committed by us, after the lake
  set_property(conf, "auto.offset.reset", "earliest");
  // Topics created during a run are noticed within this time (librdkafka's default is 5 min).
  set_property(conf, "topic.metadata.refresh.interval.ms", "5000");
  for (const auto& [name, value] : config.properties) set_property(conf, name, value);
  api.rd_kafka_conf_set_log_cb(conf, on_log);
  api.rd_kafka_conf_set_rebalance_cb(conf, on_rebalance);
  api.rd_kafka_conf_set_opaque(conf, &state);
  char error[512];
  std::unique_ptr<rd_kafka_t, DestroyHandle> consumer(
      api.rd_kafka_new(RD_KAFKA_CONSUMER, conf, error, sizeof error));
  if (!consumer) throw ConfigError("kafka source '{}': {}", spec.name, error);
  api.rd_kafka_poll_set_consumer(consumer.get());

  PartitionList subscription(
      api.rd_kafka_topic_partition_list_new(static_cast<int>(config.topics.size()) + 1));
  for (const auto& topic : config.topics) {
    api.rd_kafka_topic_partition_list_add(subscription.get(), topic.c_str(), RD_KAFKA_PARTITION_UA);
  }
  if (!config.pattern.empty()) {
    api.rd_kafka_topic_partition_list_add(subscription.get(), config.pattern.c_str(),
                                          RD_KAFKA_PARTITION_UA);
  }
  if (rd_kafka_resp_err_t failed = api.rd_kafka_subscribe(consumer.get(), subscription.get())) {
    throw ConfigError("kafka source '{}': cannot subscribe: {}", spec.name,
                      api.rd_kafka_err2str(failed));
  }
  for (const auto& topic : config.topics) context.report.inputs.push_back("kafka:" + topic);
  if (!config.pattern.empty()) context.report.inputs.push_back("kafka:" + config.pattern);

  RawLayer& raw = context.lake.raw(spec.name);
  std::map<std::string, Pending> pending;
  size_t pending_count = 0;
  auto commit = [&] {
    if (pending_count == 0) return;
    context.commit(topic_batch(context, pending, next));  // durable in the lake first ...
    pending_count = 0;
    // ... then the group's offsets, for lag monitoring and other consumers of the group.
    PartitionList offsets(api.rd_kafka_topic_partition_list_new(0));
    for (const auto& [topic, partitions] : next) {
      for (const auto& [partition, offset] : partitions) {
        api.rd_kafka_topic_partition_list_add(offsets.get(), topic.c_str(), partition)->offset =
            offset;
      }
    }
    if (rd_kafka_resp_err_t failed = api.rd_kafka_commit(consumer.get(), offsets.get(), 0)) {
      log_warn("ingest: kafka offsets not committed to the group (the lake has them)",
               {{"source", spec.name}, {"error", api.rd_kafka_err2str(failed)}});
    }
  };

  uint64_t received = 0;
  std::string broker_error;
  const auto started = Clock::now();
  auto last_message = started;
  // Follow mode: no idle stop; a batch is committed when full or when its first message has
  // waited max_delay (the bound on a message's way to the lake and the online store).
  const bool follow = context.workflow.ingest.follow;
  const double max_delay = context.workflow.ingest.follow_max_delay;
  auto first_pending = started;
  if (follow) log_info("ingest: following", {{"source", spec.name}, {"max_delay_s", max_delay}});
  const auto seconds_since = [](Clock::time_point at) {
    return std::chrono::duration<double>(Clock::now() - at).count();
  };
  // Idle time counts from the group's assignment (joining takes seconds); a consumer never
  // assigned gives up after the idle timeout plus this much.
  constexpr double kJoinGrace = 30;
  while (config.max_messages == 0 || static_cast<int64_t>(received) < config.max_messages) {
    if (follow && stop_requested()) {
      log_info("ingest: stop requested; committing the batch in hand",
               {{"source", spec.name}, {"messages", static_cast<uint64_t>(pending_count)}});
      break;
    }
    std::unique_ptr<rd_kafka_message_t, DestroyMessage> message(
        api.rd_kafka_consumer_poll(consumer.get(), 100));
    if (!message && follow) {
      if (pending_count > 0 && seconds_since(first_pending) >= max_delay) commit();
      continue;
    }
    if (!message) {
      if (pending_count > 0 && seconds_since(last_message) > 0.5) commit();  // a lull: flush
      if (!state.assigned) {
        if (seconds_since(std::max(started, last_message)) >= config.idle_timeout + kJoinGrace) {
          break;
        }
        continue;
      }
      if (state.assigned_at > last_message) last_message = state.assigned_at;
      if (seconds_since(last_message) >= config.idle_timeout) break;
      continue;
    }
    if (message->err) {
      if (message->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) continue;
      const std::string what = api.rd_kafka_message_errstr(message.get());
      char fatal[512];
      if (api.rd_kafka_fatal_error(consumer.get(), fatal, sizeof fatal)) {
        throw NetworkError("kafka source '{}': {}", spec.name, fatal);
      }
      if (message->err == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN ||
          message->err == RD_KAFKA_RESP_ERR__TRANSPORT ||
          message->err == RD_KAFKA_RESP_ERR__RESOLVE) {
        broker_error = what;
      }
      log_warn("ingest: kafka", {{"source", spec.name}, {"error", what}});
      continue;
    }
    last_message = Clock::now();
    const std::string topic = api.rd_kafka_topic_name(message->rkt);
    std::string body(static_cast<const char*>(message->payload), message->len);
    Json meta{{"kind", "kafka"},
              {"topic", topic},
              {"partition", message->partition},
              {"kafka_offset", message->offset}};  // "offset" is the body's, in bodies.bin
    if (message->key) {
      meta["key"] = std::string(static_cast<const char*>(message->key), message->key_len);
    }
    rd_kafka_timestamp_type_t type;
    const int64_t timestamp = api.rd_kafka_message_timestamp(message.get(), &type);
    if (timestamp >= 0) meta["timestamp_ms"] = timestamp;
    raw.append(body, std::move(meta));
    context.report.bytes += body.size();
    if (pending_count == 0) first_pending = Clock::now();
    take_message(pending, next, topic, message->partition, message->offset, std::move(body));
    ++pending_count;
    ++received;
    context.report.records += 1;
    if (static_cast<int64_t>(pending_count) >= config.batch_size ||
        (follow && seconds_since(first_pending) >= max_delay)) {
      commit();
    }
  }
  commit();
  api.rd_kafka_consumer_close(consumer.get());
  if (!state.ever_assigned) {
    log_warn("ingest: kafka group gave this consumer no partitions in time",
             {{"source", spec.name}, {"group", config.group}});
  }
  if (received == 0 && !broker_error.empty()) {
    throw NetworkError("kafka source '{}': no broker reachable at {}: {}", spec.name,
                       config.brokers, broker_error);
  }
}

void replay_kafka_source(SourceContext& context, const std::vector<RawEntry>& entries) {
  const KafkaSourceConfig config = parse_kafka_config(context.options, context.workflow.name);
  std::map<std::string, Pending> pending;
  Offsets next;
  size_t count = 0;
  for (const auto& entry : entries) {
    if (entry.meta.value("kind", "") != "kafka") continue;
    std::string body = read_raw_body(entry);
    context.report.records += 1;
    context.report.bytes += body.size();
    take_message(pending, next, entry.meta.value("topic", ""),
                 entry.meta.value("partition", int32_t{0}),
                 entry.meta.value("kafka_offset", int64_t{0}), std::move(body));
    // Batches as a fresh ingest with every message waiting would commit them.
    if (static_cast<int64_t>(++count) >= config.batch_size) {
      context.commit(topic_batch(context, pending, next));
      count = 0;
    }
  }
  if (count > 0) context.commit(topic_batch(context, pending, next));
}

}  // namespace mlops

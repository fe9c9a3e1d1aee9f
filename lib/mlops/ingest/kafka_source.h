#pragma once
// The kafka source (librdkafka): a topic list and/or a regex that also picks up topics
// created while it runs, JSON messages, one clean table per topic. Each batch is written to
// the lake first and only then are its offsets committed to the consumer group; the lake's
// checkpoint holds the offsets too and is what a restarted ingest resumes from, so a crash
// between the two never loses or repeats a message.
//
// Follow mode (ingest.follow, `mlops ingest --follow`): no idle stop; a batch is committed when
// full or when its first message has waited ingest.follow.max_delay, and the loop ends at
// SIGTERM/SIGINT (core/stop_signal.h) after committing the batch in hand. The context's
// after_commit (the online push) runs inside each commit, before the group's offsets.

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "mlops/ingest/raw_layer.h"
#include "mlops/ingest/source.h"

namespace mlops {

struct KafkaSourceConfig {
  std::string brokers;
  std::vector<std::string> topics;
  std::string pattern;  // librdkafka regex subscription, always starting with '^'
  std::string group;
  int64_t batch_size = 1000;
  int64_t max_messages = 0;
  double idle_timeout = 5;
  std::vector<std::pair<std::string, std::string>> properties;  // passed through
};

/// Reads and checks a kafka source's keys; the group defaults to mlops-<workflow>-<source>.
/// Throws ConfigError when neither topics nor topic_pattern is set.
KafkaSourceConfig parse_kafka_config(const SourceOptions& options, const std::string& workflow);
/// Consumes until `idle_timeout` passes without a message or `max_messages` arrived (follow
/// mode: until a stop is requested). Throws
/// ConfigError for a property librdkafka rejects, NetworkError when no broker could be reached.
void run_kafka_source(SourceContext& context);
/// Replays the messages of the source's raw layer (`entries`, kind "kafka", in the order
/// received) into `context.lake` in batches of `batch_size`, as run_kafka_source commits them,
/// without contacting a broker. Throws IoError for a damaged body.
void replay_kafka_source(SourceContext& context, const std::vector<RawEntry>& entries);

}  // namespace mlops

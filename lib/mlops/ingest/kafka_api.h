#pragma once
// librdkafka's C API as a function table over librdkafka.so.1, opened on first use: only a
// kafka source loads it and its TLS, SASL and compression dependencies (core/shared_library.h
// says why). The header still gives every prototype, so each pointer has the function's type.

#include <librdkafka/rdkafka.h>

#include "mlops/core/shared_library.h"

// Every librdkafka function mlops calls; a new call needs its name here.
#define MLOPS_KAFKA_FUNCTIONS(X)           \
  X(rd_kafka_assign)                       \
  X(rd_kafka_commit)                       \
  X(rd_kafka_conf_destroy)                 \
  X(rd_kafka_conf_new)                     \
  X(rd_kafka_conf_set)                     \
  X(rd_kafka_conf_set_log_cb)              \
  X(rd_kafka_conf_set_opaque)              \
  X(rd_kafka_conf_set_rebalance_cb)        \
  X(rd_kafka_consumer_close)               \
  X(rd_kafka_consumer_poll)                \
  X(rd_kafka_destroy)                      \
  X(rd_kafka_err2str)                      \
  X(rd_kafka_error_destroy)                \
  X(rd_kafka_fatal_error)                  \
  X(rd_kafka_incremental_assign)           \
  X(rd_kafka_incremental_unassign)         \
  X(rd_kafka_message_destroy)              \
  X(rd_kafka_message_errstr)               \
  X(rd_kafka_message_timestamp)            \
  X(rd_kafka_new)                          \
  X(rd_kafka_poll_set_consumer)            \
  X(rd_kafka_rebalance_protocol)           \
  X(rd_kafka_subscribe)                    \
  X(rd_kafka_topic_name)                   \
  X(rd_kafka_topic_partition_list_add)     \
  X(rd_kafka_topic_partition_list_destroy) \
  X(rd_kafka_topic_partition_list_new)

namespace mlops {

struct KafkaApi {
  MLOPS_KAFKA_FUNCTIONS(MLOPS_FUNCTION_POINTER)
};

/// The librdkafka C API, loading librdkafka.so.1 on the first call (thread-safe). Throws
/// ConfigError naming the library and its Debian package when it cannot be loaded.
const KafkaApi& kafka();

}  // namespace mlops

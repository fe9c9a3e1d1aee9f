#include "mlops/ingest/kafka_api.h"

namespace mlops {

const KafkaApi& kafka() {
  // A throw leaves the static uninitialized, so a later call tries again.
  static const KafkaApi api = [] {
    const SharedLibrary library("librdkafka.so.1", "the kafka source", "librdkafka1");
    KafkaApi table;
    MLOPS_KAFKA_FUNCTIONS(MLOPS_BIND_FUNCTION)
    return table;
  }();
  return api;
}

}  // namespace mlops

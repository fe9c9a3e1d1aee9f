#include "mlops/ingest/kafka_api.h"

namespace mlops {

const KafkaApi& kafka() {
  static const KafkaApi api =
      load_function_table<KafkaApi>("librdkafka.so.1", "the kafka source", "librdkafka1",
                                    [](const SharedLibrary& library, KafkaApi& table) {
                                      MLOPS_KAFKA_FUNCTIONS(MLOPS_BIND_FUNCTION)
                                    });
  return api;
}

}  // namespace mlops

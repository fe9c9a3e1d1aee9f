#include "mlops/io/quarantine.h"

#include "mlops/core/secret_mask.h"
#include "mlops/io/file.h"

namespace mlops {

nlohmann::json quarantine_json(const BadRecord& record) {
  return nlohmann::json{{"source", record.source}, {"line", record.line},
                        {"record", record.record}, {"column", record.column},
                        {"value", record.value},   {"reason", record.reason},
                        {"raw", record.raw}};
}

std::string quarantine_line(const nlohmann::json& json) {
  // Replace invalid UTF-8 instead of failing: the raw record is kept as received.
  return mask_secrets(json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)) + "\n";
}

void write_quarantine(const std::vector<BadRecord>& records, const std::string& path) {
  AtomicFile file(path);
  for (const auto& record : records) file.write(quarantine_line(quarantine_json(record)));
  file.commit();
}

}  // namespace mlops

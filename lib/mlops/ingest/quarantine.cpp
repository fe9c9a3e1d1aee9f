#include "mlops/ingest/quarantine.h"

#include <nlohmann/json.hpp>

#include "mlops/io/file.h"

namespace mlops {

void write_quarantine(const std::vector<BadRecord>& records, const std::string& path) {
  AtomicFile file(path);
  for (const auto& record : records) {
    nlohmann::json line{{"source", record.source}, {"line", record.line},
                        {"record", record.record}, {"column", record.column},
                        {"value", record.value},   {"reason", record.reason},
                        {"raw", record.raw}};
    // Replace invalid UTF-8 instead of failing: the raw record is kept as received.
    file.write(line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    file.write("\n");
  }
  file.commit();
}

}  // namespace mlops

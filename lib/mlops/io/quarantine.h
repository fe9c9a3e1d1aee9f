#pragma once
// The quarantine: every record ingest could not type, one JSON object per line with its source
// position, the reason and the record as received, so nothing is ever dropped silently.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "mlops/io/read_result.h"

namespace mlops {

/// One quarantine line's fields: source, line, record, column, value, reason, raw.
nlohmann::json quarantine_json(const BadRecord& record);
/// `json` as one line (invalid UTF-8 replaced, since raw records are kept as received).
std::string quarantine_line(const nlohmann::json& json);
/// Writes the records as JSON Lines to `path`, atomically (an empty file when there are none).
void write_quarantine(const std::vector<BadRecord>& records, const std::string& path);

}  // namespace mlops

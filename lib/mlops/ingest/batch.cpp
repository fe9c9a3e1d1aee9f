#include "mlops/ingest/batch.h"

#include <fmt/format.h>

#include <algorithm>

#include "mlops/io/json.h"

namespace mlops {

TableBatch json_batch(std::string table, std::string source, std::vector<std::string> texts,
                      const ReadOptions& options) {
  TableBatch batch;
  // Records that are not JSON objects are set aside here; the objects, one compact record per
  // line, are JSON Lines for the JSON reader to type. `records[i]` is the index in `texts` of
  // line i, so every bad record is reported by its index in `texts`.
  std::vector<BadRecord> bad;
  std::vector<size_t> records;
  std::string lines;
  for (size_t i = 0; i < texts.size(); ++i) {
    nlohmann::ordered_json value;  // keeps keys in order: columns in order of appearance
    try {
      value = nlohmann::ordered_json::parse(texts[i]);
    } catch (const nlohmann::ordered_json::parse_error& error) {
      bad.push_back(
          {source, 0, i, "", "", fmt::format("invalid JSON at byte {}", error.byte), texts[i]});
      continue;
    }
    if (!value.is_object()) {
      bad.push_back({source, 0, i, "", "",
                     fmt::format("expected a JSON object, found {}", value.type_name()), texts[i]});
      continue;
    }
    records.push_back(i);
    lines += value.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
    lines += '\n';
  }
  ReadOptions read = options;
  read.source_name = source;
  batch.result = read_json(lines, read);
  for (auto& record : batch.result.bad) {
    record.record = records[record.record];
    record.line = 0;  // a line of our own JSON Lines text means nothing to the reader
  }
  batch.result.bad.insert(batch.result.bad.end(), bad.begin(), bad.end());
  std::sort(batch.result.bad.begin(), batch.result.bad.end(),
            [](const BadRecord& a, const BadRecord& b) { return a.record < b.record; });
  batch.table = std::move(table);
  batch.source = std::move(source);
  batch.record_texts = std::move(texts);
  batch.json = true;
  return batch;
}

}  // namespace mlops

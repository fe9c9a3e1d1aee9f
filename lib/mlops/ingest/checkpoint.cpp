#include "mlops/ingest/checkpoint.h"

#include "mlops/core/error.h"
#include "mlops/io/file.h"

namespace mlops {

const CleanField* CleanTableState::find(std::string_view name) const {
  for (const auto& field : fields) {
    if (field.name == name) return &field;
  }
  return nullptr;
}

CleanField* CleanTableState::find(std::string_view name) {
  for (auto& field : fields) {
    if (field.name == name) return &field;
  }
  return nullptr;
}

bool CleanTableState::knows_origins() const {
  uint64_t total = 0;
  for (const auto& run : origins) total += run.rows;
  return total == rows;
}

Checkpoint load_checkpoint(const std::string& path) {
  Checkpoint checkpoint;
  if (!path_exists(path)) return checkpoint;
  try {
    const nlohmann::json doc = nlohmann::json::parse(read_file(path));
    checkpoint.sequence = doc.at("sequence").get<uint64_t>();
    checkpoint.updated_at = doc.value("updated_at", "");
    checkpoint.schema_hash = doc.value("schema_hash", "");
    checkpoint.pending_swap = doc.value("pending_swap", "");
    for (const auto& [name, source] : doc.at("sources").items()) {
      SourceCheckpoint& state = checkpoint.sources[name];
      state.position = source.at("position");
      state.quarantine_bytes = source.at("quarantine_bytes").get<uint64_t>();
      state.keys_bytes = source.at("keys_bytes").get<uint64_t>();
      state.tables = source.value("tables", std::vector<std::string>{});
      state.raw = source.value("raw", nlohmann::json());
    }
    for (const auto& [name, table] : doc.at("tables").items()) {
      CleanTableState& state = checkpoint.tables[name];
      for (const auto& field : table.at("fields")) {
        auto type = parse_dtype(field.at("type").get<std::string>());
        if (!type) throw IoError("{}: unknown type {}", path, field.at("type").dump());
        state.fields.push_back(
            {field.at("name").get<std::string>(), *type, field.at("has_values").get<bool>()});
      }
      state.parts = table.at("parts").get<std::vector<std::string>>();
      state.rows = table.at("rows").get<uint64_t>();
      for (const auto& run : table.value("origins", nlohmann::json::array())) {
        state.origins.push_back({run.at(0).get<std::string>(), run.at(1).get<uint64_t>()});
      }
    }
  } catch (const nlohmann::json::exception& error) {
    throw IoError("{}: not a readable ingest checkpoint: {}", path, error.what());
  }
  return checkpoint;
}

void save_checkpoint(const Checkpoint& checkpoint, const std::string& path) {
  nlohmann::json sources = nlohmann::json::object();
  for (const auto& [name, state] : checkpoint.sources) {
    sources[name] = {{"position", state.position},
                     {"quarantine_bytes", state.quarantine_bytes},
                     {"keys_bytes", state.keys_bytes},
                     {"tables", state.tables},
                     {"raw", state.raw}};
  }
  nlohmann::json tables = nlohmann::json::object();
  for (const auto& [name, state] : checkpoint.tables) {
    nlohmann::json fields = nlohmann::json::array();
    for (const auto& field : state.fields) {
      fields.push_back({{"name", field.name},
                        {"type", std::string(dtype_name(field.type))},
                        {"has_values", field.has_values}});
    }
    nlohmann::json origins = nlohmann::json::array();
    for (const auto& run : state.origins) origins.push_back({run.origin, run.rows});
    tables[name] = {
        {"fields", fields}, {"parts", state.parts}, {"rows", state.rows}, {"origins", origins}};
  }
  nlohmann::json doc{{"version", 1},
                     {"sequence", checkpoint.sequence},
                     {"updated_at", checkpoint.updated_at},
                     {"schema_hash", checkpoint.schema_hash},
                     {"sources", sources},
                     {"tables", tables}};
  if (!checkpoint.pending_swap.empty()) doc["pending_swap"] = checkpoint.pending_swap;
  write_file_atomic(path, doc.dump(1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
}

}  // namespace mlops

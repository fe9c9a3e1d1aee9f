#include "mlops/io/table_file.h"

#include <nlohmann/json.hpp>

#include "mlops/core/error.h"
#include "mlops/io/csv/csv.h"
#include "mlops/io/file.h"

namespace mlops {

std::string schema_sidecar_path(const std::string& path) {
  return path + ".schema.json";
}

namespace {

void write_sidecar(const std::string& path, const Schema& schema, size_t rows) {
  nlohmann::json fields = nlohmann::json::array();
  for (const auto& field : schema) {
    fields.push_back({{"name", field.name}, {"type", std::string(dtype_name(field.type))}});
  }
  nlohmann::json sidecar{{"rows", rows}, {"fields", fields}};
  write_file_atomic(schema_sidecar_path(path), sidecar.dump(2) + "\n");
}

}  // namespace

void write_table(const Table& table, const std::string& path) {
  write_csv_file(table, path);
  write_sidecar(path, table.schema(), table.num_rows());
}

TableWriter::TableWriter(const std::string& path) : path_(path), csv_(path) {}

void TableWriter::commit() {
  csv_.commit();
  write_sidecar(path_, csv_.schema(), csv_.rows());
}

Table read_table(const std::string& path) {
  return read_table(path, 0, 1);
}

Table read_table(const std::string& path, size_t index, size_t count) {
  ReadOptions options = table_read_options(path);
  options.shard_index = index;
  options.shard_count = count;
  ReadResult result = read_csv_file(path, options);
  if (!result.bad.empty()) {
    const BadRecord& bad = result.bad.front();
    throw DataError("{}:{}: {} ({} bad records; the file does not match {})", path, bad.line,
                    bad.reason, result.bad.size(), schema_sidecar_path(path));
  }
  return std::move(result.table);
}

ReadOptions table_read_options(const std::string& path) {
  ReadOptions options;
  options.source_name = path;
  const std::string sidecar_path = schema_sidecar_path(path);
  if (path_exists(sidecar_path)) {
    nlohmann::json sidecar;
    try {
      sidecar = nlohmann::json::parse(read_file(sidecar_path));
      for (const auto& field : sidecar.at("fields")) {
        auto type = parse_dtype(field.at("type").get<std::string>());
        if (!type) throw DataError("{}: unknown type '{}'", sidecar_path, field.at("type").dump());
        options.declared.push_back({field.at("name").get<std::string>(), *type, {}});
      }
    } catch (const nlohmann::json::exception& e) {
      throw DataError("{}: not a schema sidecar: {}", sidecar_path, e.what());
    }
  }
  return options;
}

}  // namespace mlops

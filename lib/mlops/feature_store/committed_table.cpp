#include "mlops/feature_store/committed_table.h"

#include <filesystem>

#include "mlops/core/error.h"
#include "mlops/ingest/checkpoint.h"
#include "mlops/ingest/column_convert.h"
#include "mlops/ingest/lake.h"
#include "mlops/io/file.h"
#include "mlops/io/table_file.h"

namespace mlops {
namespace {

namespace fs = std::filesystem;

// A commit replaces the checkpoint before it deletes the parts it made obsolete, so a reader
// that loses a part to a commit finds the new checkpoint on its next attempt.
constexpr int kAttempts = 20;

// Where the table's parts are: a rebuild past its commit point whose swap was not finished yet
// keeps them aside; the next open of the lake moves them in place.
fs::path table_dir(const fs::path& root, const Checkpoint& checkpoint, const std::string& table) {
  if (!checkpoint.pending_swap.empty()) {
    const fs::path aside = root / checkpoint.pending_swap / "clean" / lake_component(table);
    std::error_code error;
    if (fs::is_directory(aside, error)) return aside;
  }
  return root / "clean" / lake_component(table);
}

Table read_parts(const fs::path& dir, const CleanTableState& state) {
  std::vector<Column> columns;
  for (const auto& field : state.fields) {
    columns.emplace_back(field.name, field.type);
    columns.back().reserve(state.rows);
  }
  for (const auto& part : state.parts) {
    const std::string path = (dir / part).string();
    if (!path_exists(path)) throw IoError("{}: part removed while reading", path);
    const Table rows = read_table(path);
    for (size_t f = 0; f < state.fields.size(); ++f) {
      const Column* column = rows.find(state.fields[f].name);
      for (size_t row = 0; row < rows.num_rows(); ++row) {
        if (column) {
          push_converted(columns[f], *column, row);
        } else {
          columns[f].push_null();
        }
      }
    }
  }
  Table out;
  for (auto& column : columns) out.add_column(std::move(column));
  return out;
}

}  // namespace

std::optional<Table> read_committed_table(const std::string& lake_root, const std::string& table) {
  const fs::path root(lake_root);
  const std::string checkpoint_path = (root / "checkpoint.json").string();
  std::string last_error;
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    const Checkpoint checkpoint = load_checkpoint(checkpoint_path);
    const auto it = checkpoint.tables.find(table);
    if (it == checkpoint.tables.end()) return std::nullopt;
    try {
      return read_parts(table_dir(root, checkpoint, table), it->second);
    } catch (const IoError& e) {
      if (load_checkpoint(checkpoint_path).sequence == checkpoint.sequence) throw;
      last_error = e.what();  // a commit replaced the parts: read the new ones
    }
  }
  throw IoError("{}: clean table '{}' kept changing while it was read ({} attempts; last: {})",
                lake_root, table, kAttempts, last_error);
}

}  // namespace mlops

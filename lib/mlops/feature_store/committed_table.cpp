#include "mlops/feature_store/committed_table.h"

#include <filesystem>

#include "mlops/core/error.h"
#include "mlops/ingest/checkpoint.h"
#include "mlops/ingest/lake.h"

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
      return read_clean_parts(table_dir(root, checkpoint, table).string(), it->second);
    } catch (const IoError& e) {
      if (load_checkpoint(checkpoint_path).sequence == checkpoint.sequence) throw;
      last_error = e.what();  // a commit replaced the parts: read the new ones
    }
  }
  throw IoError("{}: clean table '{}' kept changing while it was read ({} attempts; last: {})",
                lake_root, table, kAttempts, last_error);
}

}  // namespace mlops

#pragma once
// Reading a lake's clean table without opening the Lake: opening takes the lake's lock, which
// would block (or be blocked by) a running ingest. A reader instead reads the checkpoint, the
// commit point, and the parts it names; parts are immutable, and when a concurrent commit has
// replaced them (compaction, a file's rows replaced, a rebuild's swap) the read starts over
// from the new checkpoint.

#include <optional>
#include <string>

#include "mlops/core/table.h"

namespace mlops {

/// The committed rows of clean table `table` of the lake at `lake_root`, columns in the
/// checkpoint's order; nullopt when the lake or the table does not exist (yet). Throws IoError
/// naming the lake when its parts keep changing under the reader or cannot be read.
std::optional<Table> read_committed_table(const std::string& lake_root, const std::string& table);

}  // namespace mlops

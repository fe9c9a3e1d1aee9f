#pragma once
// `mlops validate --contract FILE DATA...` and `mlops contract infer|profile DATA`: data files
// checked, drafted from and profiled with no workflow, as a pre-commit hook does.

#include <string>
#include <vector>

#include "mlops/contracts/check.h"

namespace mlops {

/// Reads a data file: CSV / TSV with its schema sidecar when present, else typed by inference;
/// JSON, JSON Lines (optionally .gz / .zst). Throws IoError / DataError for unreadable files.
Table read_data_file(const std::string& path);
/// Reads each file and checks it against the contract. A drift section's `reference` may be a
/// profile JSON or a data file (profiled on the fly). Throws IoError / DataError for unreadable
/// files, ConfigError for a bad contract. A plain CSV / TSV file checked against a contract
/// whose checks fold over batches (checks_per_batch) is read in windows of `window_bytes` and
/// never held whole: the same report in a fraction of the memory.
std::vector<ContractReport> validate_files(const std::string& contract_path,
                                           const std::vector<std::string>& files,
                                           size_t window_bytes = 16 << 20);
/// A readable summary: one line per file, then one line per failed check and the number of
/// quarantined rows.
std::string summarize(const std::vector<ContractReport>& reports);
/// The draft contract of a data file (`mlops contract infer`).
std::string infer_contract_for_file(const std::string& path, size_t max_categories);
/// The profile of a data file as JSON text (`mlops contract profile`), a drift reference.
std::string profile_file(const std::string& path);

}  // namespace mlops

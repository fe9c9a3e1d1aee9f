#pragma once
// `mlops validate --contract FILE DATA...`: checking data files against a contract with no
// workflow, as a pre-commit hook does.

#include <string>
#include <vector>

#include "mlops/contracts/check.h"

namespace mlops {

/// Reads each file (CSV/TSV with its schema sidecar when present, JSON, JSON Lines; types
/// inferred otherwise) and checks it. Throws IoError / DataError for unreadable files.
std::vector<ContractReport> validate_files(const std::string& contract_path,
                                           const std::vector<std::string>& files);
/// A readable summary: one line per file, then one line per failed check.
std::string summarize(const std::vector<ContractReport>& reports);

}  // namespace mlops

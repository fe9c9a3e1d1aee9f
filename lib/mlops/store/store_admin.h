#pragma once
// `mlops store migrate` and `mlops store copy`: the stores as a whole, on any backend.

#include <cstdint>
#include <string>
#include <vector>

#include "mlops/config/workflow.h"
#include "mlops/store/open_stores.h"

namespace mlops {

/// One store's schema version in a database.
struct SchemaVersion {
  std::string component;  // tracking | registry | evaluation
  int version = 0;
};

/// Opens every store of the settings (tracking, registry, evaluation, and the online feature
/// store when it is in the same PostgreSQL database), which brings an older
/// schema up to date (each under its lock), and returns each one's version. Throws what
/// open_tracking_store throws: ConfigError for a newer schema (exit 2), NetworkError for an
/// unreachable server (exit 5).
std::vector<SchemaVersion> migrate_stores(const Settings& settings);

}  // namespace mlops

#pragma once
// Replaying an http source's raw layer (mlops ingest --rebuild): the recorded responses are
// served, in the order received, to the same page walk or poll a live ingest runs, run after
// run, so every body takes the live record path (records path, skip of records already taken
// from the last page, quarantine of bodies that are not JSON) and no request leaves the
// process.

#include <vector>

#include "mlops/ingest/raw_layer.h"
#include "mlops/ingest/source.h"

namespace mlops {

/// Replays `entries` (the source's raw index, kind "http") into `context.lake`. Throws
/// ConfigError naming the source when the current settings ask for a URL other than the one
/// recorded next (the pagination changed) or when a link-paginated raw layer lacks the Link
/// headers (written before they were kept); IoError for a damaged body.
void replay_http_source(SourceContext& context, const std::vector<RawEntry>& entries);

}  // namespace mlops

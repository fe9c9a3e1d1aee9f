#pragma once
// `mlops notebooks strip`: removes what running a Jupyter notebook adds (outputs, execution
// counts, volatile metadata) so that only what its author wrote is committed. Edits are spliced
// into the original bytes: everything strip does not remove stays byte for byte, and stripping a
// stripped notebook changes nothing.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace mlops {

/// The metadata kept by default, as paths: `metadata.KEY` for the notebook's metadata,
/// `cell.metadata.KEY` for each cell's, `a.b.c` for a key inside an object. Everything else
/// under a `metadata` is removed.
const std::vector<std::string>& default_keep_metadata();
/// Throws ConfigError naming `origin` when an entry does not start with `metadata.` or
/// `cell.metadata.` followed by a key.
void check_keep_metadata(const std::vector<std::string>& keep, std::string_view origin);

/// What one strip removed (or would remove).
struct StripCounts {
  size_t outputs = 0;           // outputs of code cells
  size_t execution_counts = 0;  // non-null execution counts set to null
  size_t metadata_keys = 0;     // metadata members removed, nested ones included
  bool changed() const { return outputs + execution_counts + metadata_keys > 0; }
};

struct StrippedNotebook {
  std::string text;
  StripCounts counts;
};

/// Strips a notebook (nbformat 4): every code cell's `outputs` becomes `[]` and its
/// `execution_count` `null`; notebook and cell metadata keep only the paths in `keep` (an
/// object emptied entirely becomes `{}`). Throws DataError "<source_name>:<line>:<column>:
/// invalid JSON: ..." for bad JSON and "<source_name>: not a Jupyter notebook ..." for JSON
/// without a `cells` list.
StrippedNotebook strip_notebook(std::string_view text, const std::string& source_name,
                                const std::vector<std::string>& keep);

/// Strips the file in place (atomically, keeping its permissions) when `write` and something
/// changes; a clean file is never rewritten. Throws IoError and strip_notebook's errors.
StripCounts strip_notebook_file(const std::string& path, const std::vector<std::string>& keep,
                                bool write);

}  // namespace mlops

#pragma once
// The temp files of atomic writers (file.h: `<name>.tmp-PID-N`) whose process died before it
// renamed them: found by name and removed, so a killed run leaves nothing half-written behind.

#include <cstdint>
#include <string>

namespace mlops {

/// The writer's pid in a temp file name (`<name>.tmp-PID` or `<name>.tmp-PID-N`), or 0 when
/// `file_name` is not one.
int64_t temp_file_writer(const std::string& file_name);

/// Removes the temp files under `dir` (recursively) whose writer is no live process of this
/// host; returns how many. A missing `dir` holds none. Never throws: a file that cannot be
/// removed is left for the next call.
size_t remove_orphan_temp_files(const std::string& dir);

}  // namespace mlops

#pragma once
// The encoding policy of file sources: text is UTF-8 or transcoded from Latin-1; a record
// holding an invalid byte goes to quarantine; a binary file is a data error naming the file.

#include <string>
#include <string_view>
#include <vector>

#include "mlops/io/read_result.h"

namespace mlops {

/// `text` ready to parse as `format` (csv, tsv, json, jsonl), read from `path`.
/// - A NUL byte: throws DataError naming the file and offset (a binary file, not text).
/// - `encoding` "latin-1": the whole text transcoded to UTF-8 (into `storage`).
/// - Otherwise, for line formats, each line holding bytes that are not valid UTF-8 is blanked
///   (into `storage`, so line numbers stay) and appended to `bad` with file, line, column and
///   byte offset; a JSON document with such a byte throws DataError with the same position.
/// Valid UTF-8 text comes back as `text` itself, without a copy. `delimiter` (0: the format's)
/// finds the column of a bad byte in a CSV/TSV line.
std::string_view prepare_text(std::string_view text, const std::string& format,
                              const std::string& encoding, const std::string& path,
                              std::string& storage, std::vector<BadRecord>& bad,
                              char delimiter = 0);

}  // namespace mlops

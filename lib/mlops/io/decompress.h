#pragma once
// Compressed inputs read transparently: gzip (.gz) and zstd (.zst), recognised by their magic
// bytes rather than their name, so a renamed file still reads.

#include <string>
#include <string_view>

namespace mlops {

enum class Compression { kNone, kGzip, kZstd };

/// The compression the leading bytes announce (gzip 1f 8b, zstd 28 b5 2f fd), else kNone.
Compression detect_compression(std::string_view head);
/// "a.csv.gz" -> "a.csv", "b.jsonl.zst" -> "b.jsonl"; other paths unchanged.
std::string strip_compression_suffix(const std::string& path);
/// The decompressed bytes of `data` (itself when not compressed). Concatenated gzip members and
/// zstd frames are all read. Throws DataError naming `source` for corrupt or truncated input.
std::string decompress(std::string data, const std::string& source);
/// The file's bytes, decompressed; throws IoError naming the path when it cannot be read.
std::string read_file_decompressed(const std::string& path);

}  // namespace mlops

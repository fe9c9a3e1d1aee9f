#pragma once
// Content hashes of files, computed at most once per process. A run's manifest records the hash
// of every input and output, and the same 100 MB table is an output of one stage and the input
// of the next three: re-reading it each time cost ~40 ms per file and stage. A hash is reused
// while the file keeps its device, inode, size, modification and change times (DVC's state
// database keys on a similar stamp); files written by AtomicFile are hashed as they are written.

#include <sys/types.h>

#include <optional>
#include <string>

namespace mlops {

/// hash_file of `path`, from the memo when the file has not changed since it was hashed.
std::string hash_file_memo(const std::string& path);
/// The file's bytes (read_file), with their hash_bytes in `hash`; remembered for
/// hash_file_memo when the file did not change while it was read.
std::string read_file_hashed(const std::string& path, std::string& hash);
/// The remembered hash of the file as it is now, without reading it.
std::optional<std::string> remembered_file_hash(const std::string& path);
/// The file behind an open descriptor or a path: what a rename moves and a hard link shares.
struct FileIdentity {
  dev_t device = 0;
  ino_t inode = 0;
};

/// Records `hash` (hash_bytes of the file's contents) for the file at `path` as it is now,
/// provided it is `expected` (the file whose bytes were hashed, identified before a rename put
/// it there): a file another writer put at `path` meanwhile gets no hash of ours. Call only
/// with the hash of exactly the bytes that file holds: the memo trusts it.
void remember_file_hash(const std::string& path, const std::string& hash, FileIdentity expected);
/// Drops what the memo holds for the file now at `path` (about to be replaced: its inode
/// number may be reused by a file this process does not hash as it writes).
void forget_file_hash(const std::string& path);

}  // namespace mlops

#pragma once
// Content hashes for lineage (input files, configs, data). XXH3-128: change detection at memory
// speed, like DVC's md5 but fast enough to hash a 100 MB input on every run.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace mlops {

/// 32 lower-case hex digits of XXH3-128 over the bytes.
std::string hash_bytes(std::string_view bytes);
/// XXH3-64 of the bytes: a stable 64-bit key (group ids in splits).
uint64_t hash64(std::string_view bytes);
/// Hash of a file's contents, streamed; throws IoError naming the path.
std::string hash_file(const std::string& path);

/// hash_bytes over bytes that arrive in pieces (a file as it is written).
class StreamingHash {
 public:
  StreamingHash();
  ~StreamingHash();
  StreamingHash(const StreamingHash&) = delete;
  StreamingHash& operator=(const StreamingHash&) = delete;

  void update(std::string_view bytes);
  /// hash_bytes of everything passed to update so far.
  std::string hex() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace mlops

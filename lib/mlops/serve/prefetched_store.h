#pragma once
// An online store in front of another that answers single-key reads from lookups made ahead
// for a batch of requests (the loop server reads every predict request's views at once: one
// read, one Redis round trip, per view and batch), and passes everything else through.

#include <string>
#include <unordered_map>

#include "mlops/store/forwarding_online_store.h"

namespace mlops {

class PrefetchedStore final : public ForwardingOnlineStore {
 public:
  /// `inner` outlives this store and serves what was not prefetched.
  explicit PrefetchedStore(OnlineStore& inner) : ForwardingOnlineStore(inner) {}

  /// Remembers `lookup` as view/key's answer (read with the options predict() reads it with).
  void add(std::string_view view, std::string_view key, OnlineLookup lookup);
  /// How many single-key reads were answered from the prefetched lookups (for tests).
  size_t hits() const { return hits_; }

  std::vector<OnlineLookup> read(std::string_view view, std::span<const std::string> keys,
                                 const LookupOptions& options) override;

 private:
  static std::string slot(std::string_view view, std::string_view key);

  std::unordered_map<std::string, OnlineLookup> lookups_;
  size_t hits_ = 0;
};

}  // namespace mlops

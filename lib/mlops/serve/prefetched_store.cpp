#include "mlops/serve/prefetched_store.h"

namespace mlops {

std::string PrefetchedStore::slot(std::string_view view, std::string_view key) {
  std::string out;
  out.reserve(view.size() + 1 + key.size());
  out.append(view);
  out.push_back('\0');
  out.append(key);
  return out;
}

void PrefetchedStore::add(std::string_view view, std::string_view key, OnlineLookup lookup) {
  lookups_.insert_or_assign(slot(view, key), std::move(lookup));
}

std::vector<OnlineLookup> PrefetchedStore::read(std::string_view view,
                                                std::span<const std::string> keys,
                                                const LookupOptions& options) {
  if (keys.size() == 1) {
    const auto found = lookups_.find(slot(view, keys.front()));
    if (found != lookups_.end()) {
      ++hits_;
      return {found->second};
    }
  }
  return ForwardingOnlineStore::read(view, keys, options);
}

}  // namespace mlops

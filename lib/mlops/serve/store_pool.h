#pragma once
// Online store connections for the request threads. An OnlineStore is one connection and not
// thread-safe, so each request leases one: an idle connection when there is one, else a new
// one (at most one per worker thread ever opens). A connection that failed is dropped, not
// returned, and the next lease connects again. On Redis with `share_lookups` (the `threads`
// server: a request per thread), the stores' lookups (GET/MGET) go through one connection the
// pool shares among them (store/redis/redis_pipeliner.h): the lookups of concurrent requests
// travel as one pipeline. The `loop` server batches its lookups itself, one lease per loop:
// sharing would only make the loops wait for each other's round trips.

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "mlops/config/workflow.h"
#include "mlops/store/online_store.h"
#include "mlops/store/redis/redis_pipeliner.h"

namespace mlops {

class OnlineStorePool {
 public:
  /// Connections to `settings.online_store_url`, opened on demand.
  explicit OnlineStorePool(Settings settings, bool share_lookups = true);

  /// One leased connection; returned to the pool when the lease ends unless discarded.
  class Lease {
   public:
    Lease(OnlineStorePool* pool, std::unique_ptr<OnlineStore> store)
        : pool_(pool), store_(std::move(store)) {}
    Lease(Lease&&) = default;
    Lease& operator=(Lease&&) = delete;
    ~Lease();
    OnlineStore* get() const { return store_.get(); }
    /// The connection failed: close it instead of returning it.
    void discard() { store_.reset(); }

   private:
    OnlineStorePool* pool_;
    std::unique_ptr<OnlineStore> store_;
  };

  /// Throws what open_online_store throws (NetworkError, IoError, ConfigError).
  Lease acquire();
  /// The store's address with any password masked.
  std::string describe() const;

 private:
  void give_back(std::unique_ptr<OnlineStore> store);

  Settings settings_;
  std::shared_ptr<RedisPipeliner> lookups_;  // on Redis: the lookups' shared connection
  std::mutex mutex_;
  std::vector<std::unique_ptr<OnlineStore>> idle_;
};

}  // namespace mlops

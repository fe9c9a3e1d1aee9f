#include "mlops/serve/store_pool.h"

#include "mlops/core/secret_mask.h"
#include "mlops/store/open_stores.h"
#include "mlops/store/redis/redis_online_store.h"

namespace mlops {

OnlineStorePool::OnlineStorePool(Settings settings, bool share_lookups)
    : settings_(std::move(settings)) {
  const OnlineStoreLocation location = parse_online_store_url(settings_.online_store_url);
  if (share_lookups && location.backend == OnlineStoreLocation::Backend::kRedis) {
    lookups_ = std::make_shared<RedisPipeliner>(location.redis);
  }
}

OnlineStorePool::Lease::~Lease() {
  if (store_ && pool_) pool_->give_back(std::move(store_));
}

OnlineStorePool::Lease OnlineStorePool::acquire() {
  {
    std::lock_guard lock(mutex_);
    if (!idle_.empty()) {
      std::unique_ptr<OnlineStore> store = std::move(idle_.back());
      idle_.pop_back();
      return Lease(this, std::move(store));
    }
  }
  if (lookups_) return Lease(this, open_redis_online_store(lookups_->location(), lookups_));
  return Lease(this, open_online_store(settings_));
}

void OnlineStorePool::give_back(std::unique_ptr<OnlineStore> store) {
  std::lock_guard lock(mutex_);
  idle_.push_back(std::move(store));
}

std::string OnlineStorePool::describe() const {
  return mask_secrets(settings_.online_store_url);
}

}  // namespace mlops

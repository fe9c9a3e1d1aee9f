#pragma once
// The Redis online store (online_store.url: redis://...). Layout in the selected database:
//   mlops:v:<view>:<key>   a STRING: the encoded value (store/online_record.h)
//   mlops:m:<view>         a HASH: the view's declaration, key count, latest event time,
//                          watermark and last materialization
//   mlops:views            a SET of view names
// (<view> with '%' and ':' percent-encoded.) One STRING per key rather than a HASH of columns:
// a lookup of 100 keys is one MGET, and the latest-wins compare is a string compare of the
// 20-digit event-time prefix inside one Lua script per batch of keys, so a write is atomic
// per batch and pipelined across batches.

#include <memory>

#include "mlops/store/online_store.h"
#include "mlops/store/redis/redis_client.h"
#include "mlops/store/redis/redis_pipeliner.h"

namespace mlops {

/// Connects to `location`. Throws NetworkError naming location.display() (no password) when
/// the server cannot be reached, refuses AUTH or SELECT.
/// With `lookups`, read() sends its GET/MGET through that connection shared with other
/// threads' stores (pipelined with their lookups) instead of this store's own.
std::unique_ptr<OnlineStore> open_redis_online_store(
    const RedisLocation& location, std::shared_ptr<RedisPipeliner> lookups = nullptr);

}  // namespace mlops

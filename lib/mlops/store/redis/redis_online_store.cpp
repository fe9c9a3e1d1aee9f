#include "mlops/store/redis/redis_online_store.h"

#include <hiredis/hiredis.h>

#include <algorithm>
#include <charconv>

#include "mlops/core/error.h"
#include "mlops/store/online_record.h"

namespace mlops {

namespace {

// KEYS[1] the view's meta hash, KEYS[2] the set of views, KEYS[3..] value keys;
// ARGV[1] the view name, ARGV[3..] the encoded values of KEYS[3..]. Returns how many values
// were created or replaced. Keys met for the first time add to the meta `keys` count. GETRANGE
// reads only the stored value's event-time prefix ("" when the key is new); its offsets are
// strings, as a Lua number would be formatted with printf for every call.
constexpr std::string_view kWriteScript = R"lua(
local call, sub = redis.call, string.sub
local written, created, latest = 0, 0, ''
for i = 3, #KEYS do
  local value = ARGV[i]
  local event = sub(value, 1, 20)
  local current = call('GETRANGE', KEYS[i], '0', '19')
  if current == '' then
    created = created + 1
    call('SET', KEYS[i], value)
    written = written + 1
  elseif current <= event then
    call('SET', KEYS[i], value)
    written = written + 1
  end
  if event > latest then latest = event end
end
if created > 0 then redis.call('HINCRBY', KEYS[1], 'keys', created) end
local stored = redis.call('HGET', KEYS[1], 'latest')
if latest ~= '' and ((not stored) or stored < latest) then
  redis.call('HSET', KEYS[1], 'latest', latest)
end
redis.call('SADD', KEYS[2], ARGV[1])
return written
)lua";

constexpr size_t kKeysPerScript = 1000;
constexpr size_t kScriptsInFlight = 8;
constexpr size_t kKeysPerMget = 1000;
constexpr std::string_view kViewsKey = "mlops:views";

std::string view_segment(std::string_view view) {
  std::string out;
  for (char c : view) {
    if (c == '%') {
      out += "%25";
    } else if (c == ':') {
      out += "%3A";
    } else {
      out += c;
    }
  }
  return out;
}

std::string glob_escape(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

std::string_view reply_text(const redisReply* reply) {
  return reply && (reply->type == REDIS_REPLY_STRING || reply->type == REDIS_REPLY_STATUS)
             ? std::string_view(reply->str, reply->len)
             : std::string_view();
}

std::optional<int64_t> to_int(std::string_view text) {
  int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size()) {
    return std::nullopt;
  }
  return value;
}

class RedisOnlineStore final : public OnlineStore {
 public:
  RedisOnlineStore(const RedisLocation& location, std::shared_ptr<RedisPipeliner> lookups)
      : client_(location), lookups_(std::move(lookups)) {}

  std::string describe() const override { return client_.location().display(); }

  void put_schema(const OnlineViewSchema& schema) override {
    const std::string meta = meta_key(schema.view);
    const std::string keys = names_to_json(schema.key_columns);
    const std::string columns = columns_to_json(schema.columns);
    const std::string ttl = std::to_string(schema.ttl_us);
    client_.pipeline({{"HSET", meta, "entity", schema.entity, "key_columns", keys, "columns",
                       columns, "ttl_us", ttl},
                      {"SADD", kViewsKey, schema.view}});
  }

  int64_t write(std::string_view view, std::span<const OnlineColumn> columns,
                std::span<const OnlineRecord> records, int64_t write_time_us) override {
    if (records.empty()) return 0;
    try {
      return write_scripts(view, columns, records, write_time_us);
    } catch (const NoScript&) {
      // The server lost the loaded script (restarted, SCRIPT FLUSH): load it again and redo
      // the call; the latest-wins rule makes the repeat harmless.
      script_sha_.clear();
      return write_scripts(view, columns, records, write_time_us);
    }
  }

  std::vector<OnlineLookup> read(std::string_view view, std::span<const std::string> keys,
                                 const LookupOptions& options) override {
    std::vector<OnlineLookup> out(keys.size());
    const std::string prefix = value_prefix(view);
    std::string arena;  // the full key names, back to back
    std::vector<std::string_view> args;
    for (size_t start = 0; start < keys.size(); start += kKeysPerMget) {
      const size_t end = std::min(keys.size(), start + kKeysPerMget);
      arena.clear();
      for (size_t i = start; i < end; ++i) arena.append(prefix).append(keys[i]);
      args.assign({keys.size() == 1 ? "GET" : "MGET"});
      size_t from = 0;
      for (size_t i = start; i < end; ++i) {
        const size_t size = prefix.size() + keys[i].size();
        args.emplace_back(arena.data() + from, size);
        from += size;
      }
      const RedisReply reply = lookups_ ? lookups_->command(args) : client_.command(args);
      auto fill = [&](const redisReply* item, size_t i) {
        if (!item || item->type != REDIS_REPLY_STRING) return;
        if (!try_decode_online_value({item->str, item->len}, out[i])) {
          decode_online_value({item->str, item->len}, where(view, keys[i]), out[i]);  // throws
        }
        out[i].stale = is_stale(out[i].event_time_us, options);
      };
      if (reply->type == REDIS_REPLY_ARRAY) {
        for (size_t i = 0; i < reply->elements && start + i < end; ++i) {
          fill(reply->element[i], start + i);
        }
      } else {
        fill(reply.get(), start);
      }
    }
    return out;
  }

  std::vector<OnlineViewInfo> views() override {
    const RedisReply names = client_.command({"SMEMBERS", kViewsKey});
    std::vector<std::string> sorted;
    for (size_t i = 0; names->type == REDIS_REPLY_ARRAY && i < names->elements; ++i) {
      sorted.emplace_back(reply_text(names->element[i]));
    }
    std::sort(sorted.begin(), sorted.end());
    std::vector<OnlineViewInfo> out;
    for (const std::string& name : sorted) {
      if (auto info = view(name)) out.push_back(std::move(*info));
    }
    return out;
  }

  std::optional<OnlineViewInfo> view(std::string_view name) override {
    const RedisReply reply = client_.command({"HGETALL", meta_key(name)});
    if (reply->type != REDIS_REPLY_ARRAY || reply->elements == 0) return std::nullopt;
    OnlineViewInfo info;
    info.schema.view = std::string(name);
    std::optional<int64_t> materialized_at, rows_read, keys_written;
    double seconds = 0;
    for (size_t i = 0; i + 1 < reply->elements; i += 2) {
      const std::string_view field = reply_text(reply->element[i]);
      const std::string_view value = reply_text(reply->element[i + 1]);
      if (field == "entity") info.schema.entity = std::string(value);
      if (field == "key_columns") info.schema.key_columns = names_from_json(value);
      if (field == "columns") info.schema.columns = columns_from_json(value);
      if (field == "ttl_us") info.schema.ttl_us = to_int(value).value_or(0);
      if (field == "keys") info.keys = to_int(value).value_or(0);
      if (field == "latest" && value.size() == kEventPrefixBytes) {
        info.latest_event_us = parse_event_time_prefix(value);
      }
      if (field == "watermark_us") info.watermark_us = to_int(value);
      if (field == "materialized_at_us") materialized_at = to_int(value);
      if (field == "rows_read") rows_read = to_int(value);
      if (field == "keys_written") keys_written = to_int(value);
      if (field == "seconds") seconds = std::strtod(std::string(value).c_str(), nullptr);
    }
    if (materialized_at) {
      info.last_materialization = MaterializationRecord{*materialized_at, rows_read.value_or(0),
                                                        keys_written.value_or(0), seconds};
    }
    return info;
  }

  std::optional<int64_t> watermark(std::string_view view) override {
    const RedisReply reply = client_.command({"HGET", meta_key(view), "watermark_us"});
    return to_int(reply_text(reply.get()));
  }

  void set_watermark(std::string_view view, int64_t watermark_us) override {
    const std::string value = std::to_string(watermark_us);
    client_.pipeline({{"HSET", meta_key(view), "watermark_us", value}, {"SADD", kViewsKey, view}});
  }

  void record_materialization(std::string_view view, const MaterializationRecord& record) override {
    const std::string at = std::to_string(record.finished_at_us);
    const std::string rows = std::to_string(record.rows_read);
    const std::string keys = std::to_string(record.keys_written);
    const std::string seconds = fmt::format("{}", record.seconds);
    client_.pipeline({{"HSET", meta_key(view), "materialized_at_us", at, "rows_read", rows,
                       "keys_written", keys, "seconds", seconds},
                      {"SADD", kViewsKey, view}});
  }

  void delete_view(std::string_view view) override {
    const std::string pattern = glob_escape(value_prefix(view)) + "*";
    std::string cursor = "0";
    do {
      const RedisReply reply = client_.command({"SCAN", cursor, "MATCH", pattern, "COUNT", "1000"});
      if (reply->type != REDIS_REPLY_ARRAY || reply->elements != 2) break;
      cursor = std::string(reply_text(reply->element[0]));
      const redisReply* found = reply->element[1];
      if (found->type == REDIS_REPLY_ARRAY && found->elements > 0) {
        std::vector<std::string_view> args{"UNLINK"};
        for (size_t i = 0; i < found->elements; ++i) args.push_back(reply_text(found->element[i]));
        client_.command(args);
      }
    } while (cursor != "0");
    client_.pipeline({{"DEL", meta_key(view)}, {"SREM", kViewsKey, view}});
  }

 private:
  static std::string meta_key(std::string_view view) { return "mlops:m:" + view_segment(view); }
  static std::string value_prefix(std::string_view view) {
    return "mlops:v:" + view_segment(view) + ":";
  }
  std::string where(std::string_view view, std::string_view key) const {
    return client_.location().display() + ": view " + std::string(view) + " key " +
           std::string(key);
  }

  struct NoScript {};

  // Runs the latest-wins script over `records`, kKeysPerScript keys per EVALSHA, keeping up
  // to kScriptsInFlight scripts queued on the server while the next ones are encoded (one
  // connection, replies in order). Throws NoScript when the server does not know the script.
  int64_t write_scripts(std::string_view view, std::span<const OnlineColumn> columns,
                        std::span<const OnlineRecord> records, int64_t write_time_us) {
    if (script_sha_.empty()) {
      const RedisReply loaded = client_.command({"SCRIPT", "LOAD", kWriteScript});
      script_sha_ = std::string(reply_text(loaded.get()));
    }
    const std::string meta = meta_key(view);
    const std::string prefix = value_prefix(view);
    int64_t written = 0;
    size_t in_flight = 0;
    std::string first_error;
    auto take_reply = [&] {
      const RedisReply reply = client_.receive();
      --in_flight;
      if (reply->type == REDIS_REPLY_INTEGER) written += reply->integer;
      if (reply->type == REDIS_REPLY_ERROR && first_error.empty()) {
        first_error.assign(reply->str, reply->len);
      }
    };
    // One script's keys and values, back to back in one buffer reused from script to script.
    std::string arena;
    std::vector<size_t> ends;  // end offset of each key, then of each value, in `arena`
    std::vector<std::string_view> args;
    for (size_t begin = 0; begin < records.size(); begin += kKeysPerScript) {
      const size_t count = std::min(kKeysPerScript, records.size() - begin);
      arena.clear();
      ends.clear();
      for (size_t i = 0; i < count; ++i) {
        arena += prefix;
        arena += records[begin + i].key;
        ends.push_back(arena.size());
      }
      for (size_t i = 0; i < count; ++i) {
        encode_online_value(columns, records[begin + i], write_time_us, arena);
        ends.push_back(arena.size());
      }
      const std::string numkeys = std::to_string(2 + count);
      args.assign({"EVALSHA", script_sha_, numkeys, meta, kViewsKey});
      size_t from = 0;
      for (size_t i = 0; i < count; ++i) {
        args.emplace_back(arena.data() + from, ends[i] - from);
        from = ends[i];
      }
      args.push_back(view);
      args.push_back("");
      for (size_t i = count; i < 2 * count; ++i) {
        args.emplace_back(arena.data() + from, ends[i] - from);
        from = ends[i];
      }
      client_.send(args);
      if (++in_flight > kScriptsInFlight) take_reply();
    }
    while (in_flight > 0) take_reply();
    if (first_error.starts_with("NOSCRIPT")) throw NoScript{};
    if (!first_error.empty()) {
      throw NetworkError("online store {}: the write script failed: {}",
                         client_.location().display(), first_error);
    }
    return written;
  }

  RedisClient client_;
  std::shared_ptr<RedisPipeliner> lookups_;  // read()'s GET/MGET, when shared
  std::string script_sha_;                   // of kWriteScript, once SCRIPT LOAD returned it
};

}  // namespace

std::unique_ptr<OnlineStore> open_redis_online_store(const RedisLocation& location,
                                                     std::shared_ptr<RedisPipeliner> lookups) {
  return std::make_unique<RedisOnlineStore>(location, std::move(lookups));
}

}  // namespace mlops

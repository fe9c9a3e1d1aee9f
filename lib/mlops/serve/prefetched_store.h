#pragma once
// An online store in front of another that answers single-key reads from lookups made ahead
// for a batch of requests (the loop server reads every predict request's views at once: one
// read, one Redis round trip, per view and batch), and passes everything else through.

#include <string>
#include <unordered_map>

#include "mlops/store/online_store.h"

namespace mlops {

class PrefetchedStore final : public OnlineStore {
 public:
  /// `inner` outlives this store and serves what was not prefetched.
  explicit PrefetchedStore(OnlineStore& inner) : inner_(inner) {}

  /// Remembers `lookup` as view/key's answer (read with the options predict() reads it with).
  void add(std::string_view view, std::string_view key, OnlineLookup lookup);
  /// How many single-key reads were answered from the prefetched lookups (for tests).
  size_t hits() const { return hits_; }

  std::string describe() const override { return inner_.describe(); }
  void put_schema(const OnlineViewSchema& schema) override { inner_.put_schema(schema); }
  int64_t write(std::string_view view, std::span<const OnlineColumn> columns,
                std::span<const OnlineRecord> records, int64_t write_time_us) override {
    return inner_.write(view, columns, records, write_time_us);
  }
  std::vector<OnlineLookup> read(std::string_view view, std::span<const std::string> keys,
                                 const LookupOptions& options) override;
  std::vector<OnlineViewInfo> views() override { return inner_.views(); }
  std::optional<OnlineViewInfo> view(std::string_view view) override { return inner_.view(view); }
  std::optional<int64_t> watermark(std::string_view view) override {
    return inner_.watermark(view);
  }
  void set_watermark(std::string_view view, int64_t watermark_us) override {
    inner_.set_watermark(view, watermark_us);
  }
  void record_materialization(std::string_view view, const MaterializationRecord& record) override {
    inner_.record_materialization(view, record);
  }
  void delete_view(std::string_view view) override { inner_.delete_view(view); }

 private:
  static std::string slot(std::string_view view, std::string_view key);

  OnlineStore& inner_;
  std::unordered_map<std::string, OnlineLookup> lookups_;
  size_t hits_ = 0;
};

}  // namespace mlops

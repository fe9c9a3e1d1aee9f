#pragma once
// An online store that passes every call to another: the base of a decorator that changes a
// few calls (serve's PrefetchedStore answers reads made ahead; tests inject failures).

#include "mlops/store/online_store.h"

namespace mlops {

class ForwardingOnlineStore : public OnlineStore {
 public:
  /// `inner` outlives this store.
  explicit ForwardingOnlineStore(OnlineStore& inner) : inner_(inner) {}

  std::string describe() const override { return inner_.describe(); }
  void put_schema(const OnlineViewSchema& schema) override { inner_.put_schema(schema); }
  int64_t write(std::string_view view, std::span<const OnlineColumn> columns,
                std::span<const OnlineRecord> records, int64_t write_time_us) override {
    return inner_.write(view, columns, records, write_time_us);
  }
  std::vector<OnlineLookup> read(std::string_view view, std::span<const std::string> keys,
                                 const LookupOptions& options) override {
    return inner_.read(view, keys, options);
  }
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

 protected:
  OnlineStore& inner() const { return inner_; }

 private:
  OnlineStore& inner_;
};

}  // namespace mlops

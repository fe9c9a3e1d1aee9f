#pragma once
// Follow mode's online half (`mlops ingest --follow`): the rows each lake commit added to a
// table, reduced to each key's latest value for every online view over that table (the same
// one-pass reduction and store write rule as `mlops materialize`), written to the online store.
// While the store is down the write is retried with backoff, so the source does not
// acknowledge the batch upstream (kafka offsets) before the store has it.
//
// At start, catch_up() materializes the views in full: rows a crash left in the lake but not
// yet in the store (lake commit done, push not) reach the store before anything new. The
// store's latest-wins rule makes the repeat harmless.

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "mlops/config/workflow.h"
#include "mlops/core/table.h"
#include "mlops/ingest/batch.h"
#include "mlops/store/online_store.h"

namespace mlops {

struct OnlinePushOptions {
  double backoff = 0.2;               // seconds before the first retry, doubled each time ...
  double max_backoff = 10;            // ... up to this
  std::function<bool()> stop;         // true: stop retrying and throw the last error
  std::function<void(double)> sleep;  // empty: really sleep (in slices, checking `stop`)
};

/// The views follow mode pushes to: online, with a lake table of `workflow` as source.
std::vector<const FeatureViewSpec*> followed_views(const Workflow& workflow);

class OnlinePush {
 public:
  /// Pushes to the online views (`online: true`) of `workflow` whose source is a lake table
  /// of this workflow.
  OnlinePush(const Workflow& workflow, OnlineStore& store, OnlinePushOptions options = {});

  /// The views followed; empty: nothing to push.
  const std::vector<const FeatureViewSpec*>& views() const { return views_; }

  /// Materializes in full every followed view whose table `has_rows` (materialize.h), retried
  /// while the store is down. Throws as push().
  void catch_up(const std::function<bool(const std::string& table)>& has_rows);

  /// Pushes the rows a lake commit added (CommitStats::added). Returns the keys written.
  /// Retries NetworkError and IoError of the store with backoff until written or `stop`, then
  /// rethrows the last; a view whose rows cannot be shaped (DataError: a key or feature
  /// column the table lacks) is logged and left to `mlops materialize`; ConfigError is thrown.
  int64_t push(const CommitStats& commit);
  int64_t push(const std::string& table, const Table& rows);

 private:
  int64_t push_view(const FeatureViewSpec& view, const Table& rows);
  template <typename Write>
  auto with_retry(const std::string& what, Write&& write) -> decltype(write());

  const Workflow& workflow_;
  OnlineStore& store_;
  OnlinePushOptions options_;
  std::vector<const FeatureViewSpec*> views_;
  std::map<std::string, std::vector<OnlineColumn>> schemas_;  // view -> columns put last
};

}  // namespace mlops

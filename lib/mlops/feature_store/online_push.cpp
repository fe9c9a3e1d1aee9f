#include "mlops/feature_store/online_push.h"

#include <algorithm>
#include <chrono>
#include <thread>

#include "mlops/core/error.h"
#include "mlops/core/log.h"
#include "mlops/core/time.h"
#include "mlops/feature_store/materialize.h"
#include "mlops/feature_store/view_rows.h"

namespace mlops {

std::vector<const FeatureViewSpec*> followed_views(const Workflow& workflow) {
  std::vector<const FeatureViewSpec*> views;
  for (const FeatureViewSpec& view : workflow.feature_store.views) {
    const ViewSource& source = view.source;
    if (view.online && source.kind == ViewSource::Kind::kLakeTable &&
        (source.workflow.empty() || source.workflow == workflow.name)) {
      views.push_back(&view);
    }
  }
  return views;
}

OnlinePush::OnlinePush(const Workflow& workflow, OnlineStore& store, OnlinePushOptions options)
    : workflow_(workflow),
      store_(store),
      options_(std::move(options)),
      views_(followed_views(workflow)) {}

template <typename Write>
auto OnlinePush::with_retry(const std::string& what, Write&& write) -> decltype(write()) {
  double backoff = options_.backoff;
  for (int attempt = 1;; ++attempt) {
    try {
      return write();
    } catch (const Error& error) {
      const bool store_down = dynamic_cast<const NetworkError*>(&error) != nullptr ||
                              dynamic_cast<const IoError*>(&error) != nullptr;
      if (!store_down) throw;
      if (options_.stop && options_.stop()) {
        log_error(
            "ingest: stopping with rows the online store does not have yet; the next "
            "`ingest --follow` (or `mlops materialize`) pushes them",
            {{"what", what}, {"store", store_.describe()}, {"error", error.what()}});
        throw;
      }
      log_warn("ingest: online store write failed; retrying", {{"what", what},
                                                               {"store", store_.describe()},
                                                               {"attempt", attempt},
                                                               {"retry_in_s", backoff},
                                                               {"error", error.what()}});
    }
    if (options_.sleep) {
      options_.sleep(backoff);
    } else {
      // In slices, so a stop request is seen within 0.1 s.
      const auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(backoff);
      while (std::chrono::steady_clock::now() < until && !(options_.stop && options_.stop())) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
    }
    backoff = std::min(options_.max_backoff, backoff * 2);
  }
}

void OnlinePush::catch_up(const std::function<bool(const std::string&)>& has_rows) {
  MaterializeOptions options;
  for (const FeatureViewSpec* view : views_) {
    if (has_rows(view->source.table)) options.views.push_back(view->name);
  }
  if (options.views.empty()) return;
  try {
    const MaterializeResult result =
        with_retry("catch-up", [&] { return materialize(workflow_, store_, options); });
    log_info("ingest: online views caught up with the lake",
             {{"views", options.views.size()},
              {"rows", result.rows_read()},
              {"keys_written", result.keys_written()}});
  } catch (const DataError& error) {
    log_error("ingest: online views not caught up (run `mlops materialize` to see why)",
              {{"error", error.what()}});
  }
}

int64_t OnlinePush::push(const CommitStats& commit) {
  int64_t written = 0;
  for (const auto& [table, rows] : commit.added) written += push(table, rows);
  return written;
}

int64_t OnlinePush::push(const std::string& table, const Table& rows) {
  int64_t written = 0;
  for (const FeatureViewSpec* view : views_) {
    if (view->source.table != table || rows.num_rows() == 0) continue;
    written += push_view(*view, rows);
  }
  return written;
}

int64_t OnlinePush::push_view(const FeatureViewSpec& view, const Table& rows) {
  ViewRows shaped;
  ViewRowsOptions newest;  // only each key's newest row is written
  newest.latest_per_key = true;
  try {
    shaped = view_rows_of(workflow_, view, rows,
                          fmt::format("rows just committed to lake table '{}'", view.source.table),
                          newest);
  } catch (const DataError& error) {
    log_error("ingest: rows not pushed to online view (run `mlops materialize` to see why)",
              {{"view", view.name}, {"error", error.what()}});
    return 0;
  }
  const std::vector<OnlineRecord> records =
      online_records(shaped.table, shaped.keys, shaped.event_time, shaped.features);
  if (records.empty()) return 0;
  std::vector<OnlineColumn> columns = online_columns(shaped.table, shaped.features);
  const EntitySpec& entity = view_entity(workflow_, view);
  const int64_t written = with_retry("view " + view.name, [&] {
    auto known = schemas_.find(view.name);
    if (known == schemas_.end() || known->second != columns) {
      store_.put_schema({view.name, entity.name, shaped.keys, columns, view.ttl_us});
      schemas_[view.name] = columns;
    }
    return store_.write(view.name, columns, records, now_micros());
  });
  log_debug("ingest: pushed to online view", {{"view", view.name},
                                              {"rows", static_cast<uint64_t>(rows.num_rows())},
                                              {"keys", static_cast<uint64_t>(records.size())},
                                              {"written", written}});
  return written;
}

}  // namespace mlops

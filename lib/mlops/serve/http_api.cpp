#include "mlops/serve/http_api.h"

#include <fmt/format.h>

#include <atomic>
#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>

#include "mlops/core/error.h"
#include "mlops/core/log.h"
#include "mlops/core/suggest.h"
#include "mlops/core/time.h"
#include "mlops/feature_store/online_lookup.h"
#include "mlops/serve/auth.h"
#include "mlops/serve/openapi.h"
#include "mlops/serve/prefetched_store.h"
#include "mlops/serve/request.h"
#include "mlops/serve/response_json.h"
#include "mlops/serve/work_queue.h"

namespace mlops {

namespace {

using json = nlohmann::json;
using Clock = std::chrono::steady_clock;

constexpr const char* kJson = "application/json";

// The request being served on this thread: when it arrived, and whether it is counted in
// flight (the logger, called after every response, uncounts it).
struct RequestScope {
  Clock::time_point start;
  bool counted = false;
};
thread_local RequestScope t_request;

// The online store could not be reached for a request: a warning at most every 10 s while it
// stays so, with how many were left out (each request counts store_error in /metrics). One per
// request wrote thousands of lines a second while Redis was down.
void warn_store_unreachable(const Error& error) {
  constexpr int64_t kEveryUs = 10'000'000;
  static std::atomic<int64_t> next_us{0};
  static std::atomic<uint64_t> left_out{0};
  const int64_t now = now_micros();
  int64_t next = next_us.load(std::memory_order_relaxed);
  if (now < next || !next_us.compare_exchange_strong(next, now + kEveryUs)) {
    left_out.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  log_warn("serve: the online store cannot be reached",
           {{"reason", error.what()},
            {"not_logged_since_last", left_out.exchange(0, std::memory_order_relaxed)}});
}

// JSON text of an answer. A message may quote the request (a workflow, view or key in the path),
// whose bytes need not be UTF-8: those are written as U+FFFD instead of failing the answer (in
// the event loop, every answer of the batch).
std::string answer_text(const json& body) {
  return body.dump(-1, ' ', false, json::error_handler_t::replace);
}

void answer_json(HttpResponse& res, int status, const json& body) {
  res.status = status;
  res.content_type = kJson;
  res.body = answer_text(body);
}

// X-Request-Id when the client sent a sensible one, else 32 random hex digits.
std::string request_id(const HttpRequest& req) {
  const std::string given(req.header("X-Request-Id"));
  if (!given.empty() && given.size() <= 128 && std::all_of(given.begin(), given.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
      })) {
    return given;
  }
  thread_local std::mt19937_64 random{std::random_device{}()};
  return fmt::format("{:016x}{:016x}", random(), random());
}

// The predict route's workflow index, or npos.
size_t find_workflow(const ServeState& state, std::string_view name) {
  for (size_t i = 0; i < state.workflows.size(); ++i) {
    if (state.workflows[i].name == name) return i;
  }
  return std::string::npos;
}

// The workflow named by a predict path (/v1/workflows/{name}/predict), or "" when it is not one.
std::string_view predict_target(std::string_view path) {
  constexpr std::string_view kPrefix = "/v1/workflows/", kSuffix = "/predict";
  if (path.size() <= kPrefix.size() + kSuffix.size() || !path.starts_with(kPrefix) ||
      !path.ends_with(kSuffix)) {
    return {};
  }
  const std::string_view name =
      path.substr(kPrefix.size(), path.size() - kPrefix.size() - kSuffix.size());
  return name.find('/') == std::string_view::npos ? name : std::string_view();
}

// The predict route's workflow, or npos after answering 404 (unknown workflow).
size_t predict_workflow(ServeState& state, const HttpRequest& req, HttpResponse& res,
                        Clock::time_point start) {
  const std::string name(predict_target(req.path));
  const size_t index = find_workflow(state, name);
  if (index == std::string::npos) {
    std::vector<std::string> names;
    for (const ServedWorkflow& workflow : state.workflows) names.push_back(workflow.name);
    answer_error(res, 404,
                 fmt::format("unknown workflow '{}'{}; served: {}", name, did_you_mean(name, names),
                             fmt::join(names, ", ")));
    state.metrics->count_request(index, 404,
                                 std::chrono::duration<double>(Clock::now() - start).count());
  }
  return index;
}

void answer_request_error(ServeState& state, size_t index, const RequestError& error,
                          HttpResponse& res, Clock::time_point start) {
  answer_error(res, error.status(), error.what());
  state.metrics->count_request(index, error.status(),
                               std::chrono::duration<double>(Clock::now() - start).count());
}

// Answers a predict request of workflow `index` with its outcome (or its RequestError), logs
// its rows and counts it. Returns false when the online store failed (the caller drops the
// connection).
bool respond(ServeState& state, size_t index, PredictResult& result, const HttpRequest& req,
             HttpResponse& res, Clock::time_point start, int64_t now) {
  const ServedWorkflow& workflow = state.workflows[index];
  if (result.error) {
    try {
      std::rethrow_exception(result.error);
    } catch (const RequestError& error) {
      answer_request_error(state, index, error, res, start);
    }
    return true;
  }
  PredictOutcome& outcome = *result.outcome;
  bool store_ok = true;
  for (FallbackReason reason : outcome.fallbacks) {
    state.metrics->count_fallback(index, reason);
    if (reason == FallbackReason::kStoreError) store_ok = false;
  }
  const std::string id = request_id(req);
  res.status = 200;
  res.set_header("X-Request-Id", id);
  res.body.clear();
  res.body.reserve(256);
  append_predictions_json(res.body, id, outcome.rows);
  res.content_type = kJson;
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  for (PredictedRow& row : outcome.rows) {
    ServedPrediction logged;
    logged.model = workflow.model;
    logged.request_id = id;
    logged.row_key = std::move(row.row_key);
    logged.model_version = std::move(row.model_version);
    logged.source = std::string(answer_source_name(row.source));
    logged.prediction = std::move(row.prediction_text);
    logged.score = row.score;
    for (const auto& entry : row.probabilities) {
      logged.probabilities.push_back(static_cast<float>(entry.second));
    }
    logged.features_hash = row.features_hash;
    logged.served_at_us = now;
    logged.latency_ms = seconds * 1e3;
    state.sink->log(std::move(logged));
  }
  if (!outcome.rows.empty()) {
    state.metrics->count_predictions(index, outcome.rows.front().source, outcome.rows.size());
  }
  state.metrics->count_request(index, 200, seconds);
  return store_ok;
}

// Answers a parsed predict request of workflow `index` with `store` (null: none). Returns
// false when the store failed (the caller drops the connection).
bool predict_parsed(ServeState& state, size_t index, const PredictRequest& request,
                    const HttpRequest& req, HttpResponse& res, Clock::time_point start,
                    OnlineStore* store, int64_t now) {
  const ServedWorkflow& workflow = state.workflows[index];
  PredictResult result;
  try {
    const std::shared_ptr<const ServedModel> model = state.models->get(workflow.slot);
    result.outcome = workflow.predictor->predict(request, *model, store, now);
  } catch (const RequestError&) {
    result.error = std::current_exception();
  }
  return respond(state, index, result, req, res, start, now);
}

void predict(ServeState& state, const HttpRequest& req, HttpResponse& res,
             Clock::time_point start) {
  const size_t index = predict_workflow(state, req, res, start);
  if (index == std::string::npos) return;
  PredictRequest request;
  try {
    request =
        parse_predict_request(req.body, state.settings.max_json_depth, state.settings.max_rows);
  } catch (const RequestError& error) {
    return answer_request_error(state, index, error, res, start);
  }
  std::optional<OnlineStorePool::Lease> lease;
  OnlineStore* store = nullptr;
  if (!request.key.is_null()) {
    try {
      lease.emplace(state.workflows[index].store->acquire());
      store = lease->get();
    } catch (const Error& error) {
      warn_store_unreachable(error);
    }
  }
  if (!predict_parsed(state, index, request, req, res, start, store, now_micros()) && lease) {
    lease->discard();
  }
}

MetricsSnapshot snapshot(const ServeState& state) {
  MetricsSnapshot out;
  for (const ServedWorkflow& workflow : state.workflows) {
    const auto model = state.models->get(workflow.slot);
    out.models.push_back({.workflow = workflow.name,
                          .version = model->engine.version(),
                          .alias = state.models->alias(workflow.slot),
                          .loaded_at_us = model->loaded_at_us});
  }
  out.log = state.sink->stats();
  out.in_flight = state.in_flight.load(std::memory_order_relaxed);
  out.queued_connections = state.queued.load(std::memory_order_relaxed);
  return out;
}

json sink_json(const PredictionSinkStats& stats) {
  return {{"accepted", stats.accepted},
          {"stored", stats.stored},
          {"queued", stats.queued},
          {"journaled", stats.journaled},
          {"journal_bytes", stats.journal_bytes},
          {"store_reachable", stats.store_reachable}};
}

bool needs_online_store(const Workflow& workflow) {
  for (const FeatureViewSpec& view : workflow.feature_store.views) {
    if (view.online) return true;
  }
  return false;
}

// `detailed` false (a caller without the token, such as a Kubernetes readiness probe, which
// cannot read a Secret into its headers): the same status code, only {"ready": bool}, since the
// details name models, versions and store addresses.
void readyz(ServeState& state, bool detailed, HttpResponse& res) {
  bool ready = true;
  json workflows = json::array();
  json stores = json::array();
  std::vector<const OnlineStorePool*> checked;
  for (const ServedWorkflow& workflow : state.workflows) {
    const auto model = state.models->get(workflow.slot);
    workflows.push_back({{"workflow", workflow.name},
                         {"model", workflow.model},
                         {"version", model->engine.version()},
                         {"alias", state.models->alias(workflow.slot)},
                         {"scores_with", score_source_name(model->engine.source())}});
    const Workflow& spec = workflow.predictor->workflow();
    if (!needs_online_store(spec) ||
        std::find(checked.begin(), checked.end(), workflow.store) != checked.end()) {
      continue;
    }
    checked.push_back(workflow.store);
    json entry{{"url", workflow.store->describe()}, {"reachable", true}};
    try {
      OnlineStorePool::Lease lease = workflow.store->acquire();
      try {
        lease.get()->watermark("");
      } catch (...) {
        lease.discard();
        throw;
      }
    } catch (const Error& error) {
      entry["reachable"] = false;
      entry["error"] = error.what();
      ready = false;
    }
    stores.push_back(std::move(entry));
  }
  if (!detailed) return answer_json(res, ready ? 200 : 503, {{"ready", ready}});
  answer_json(res, ready ? 200 : 503,
              {{"ready", ready},
               {"workflows", workflows},
               {"online_stores", stores},
               {"prediction_log", sink_json(state.sink->stats())}});
}

// GET /v1/features[/{view}[/{key}]]
void features(ServeState& state, std::string_view rest, HttpResponse& res) {
  try {
    if (rest.empty()) {
      json all = json::array();
      for (const ServedWorkflow& workflow : state.workflows) {
        const Workflow& spec = workflow.predictor->workflow();
        OnlineStorePool::Lease lease = workflow.store->acquire();
        all.push_back(catalog_json(spec, feature_catalog(spec, *lease.get())));
      }
      return answer_json(res, 200, {{"workflows", all}});
    }
    const size_t slash = rest.find('/');
    const std::string view(rest.substr(0, slash));
    const ServedWorkflow* owner = nullptr;
    std::vector<std::string> names;
    for (const ServedWorkflow& workflow : state.workflows) {
      for (const FeatureViewSpec& spec : workflow.predictor->workflow().feature_store.views) {
        names.push_back(spec.name);
        if (!owner && spec.name == view) owner = &workflow;
      }
    }
    if (!owner) {
      return answer_error(res, 404,
                          fmt::format("no feature view '{}'{}", view, did_you_mean(view, names)));
    }
    const Workflow& spec = owner->predictor->workflow();
    OnlineStorePool::Lease lease = owner->store->acquire();
    if (slash == std::string_view::npos) {
      const FeatureViewSpec& found = find_feature_view(spec, view);
      const ViewCatalogEntry entry{&found,
                                   found.online ? lease.get()->view(found.name) : std::nullopt};
      return answer_json(res, 200, describe_json(spec, entry));
    }
    const std::string key(rest.substr(slash + 1));
    try {
      return answer_json(
          res, 200, lookup_json(lookup_features(spec, *lease.get(), view, std::span(&key, 1))));
    } catch (const ConfigError& error) {
      std::string message = error.what();
      if (message.starts_with("--key ")) message.erase(0, 2);
      return answer_error(res, 422, message);
    }
  } catch (const Error& error) {
    return answer_error(res, 503, fmt::format("the online store cannot be read: {}", error.what()));
  }
}

// Copies `from` into httplib's answer.
void to_httplib(HttpResponse& from, httplib::Response& to) {
  to.status = from.status;
  for (auto& header : from.headers) to.set_header(header.first, header.second);
  if (!from.content_type.empty()) to.set_header("Content-Type", from.content_type);
  to.body = std::move(from.body);
}

// A view of httplib's request (its body once read).
HttpRequest from_httplib(const httplib::Request& req) {
  HttpRequest out;
  out.method = req.method;
  out.path = req.path;
  out.headers.reserve(req.headers.size());
  for (const auto& header : req.headers) out.headers.emplace_back(header.first, header.second);
  out.body = req.body;
  return out;
}

}  // namespace

std::string_view HttpRequest::header(std::string_view name) const {
  for (const auto& header : headers) {
    if (header.first.size() == name.size() &&
        std::equal(name.begin(), name.end(), header.first.begin(), [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) ==
                 std::tolower(static_cast<unsigned char>(b));
        })) {
      return header.second;
    }
  }
  return {};
}

void answer_error(HttpResponse& res, int status, std::string_view message) {
  res.status = status;
  res.content_type = kJson;
  res.body = answer_text(json{{"error", message}, {"status", status}});
}

void answer_overloaded(HttpResponse& res, std::string_view why) {
  answer_error(res, 503, fmt::format("the server is overloaded ({}); retry", why));
  res.set_header("Retry-After", "1");
  res.set_header("Connection", "close");
}

void answer_too_large(const ServerSettings& settings, HttpResponse& res) {
  answer_error(res, 413,
               fmt::format("request body larger than {} bytes (serve.max_body_bytes; "
                           "8192 for a form-encoded body: send application/json)",
                           settings.max_body_bytes));
}

void prepare_routes(ServeState& state) {
  std::vector<std::string> names;
  for (const ServedWorkflow& workflow : state.workflows) names.push_back(workflow.name);
  state.openapi = openapi_document(names, !state.settings.token.empty()).dump(2);
}

bool answer_before_body(ServeState& state, const HttpRequest& req, HttpResponse& res) {
  const std::string_view path = req.path;
  const bool get = req.method == "GET" || req.method == "HEAD";
  if (path == "/healthz" && get) {
    answer_json(res, 200, {{"status", "ok"}});
    return true;
  }
  const bool authorized =
      bearer_authorized(std::string(req.header("Authorization")), state.settings.token);
  if (path == "/readyz" && get && !authorized) {
    readyz(state, false, res);
    return true;
  }
  if (!authorized) {
    res.set_header("WWW-Authenticate", "Bearer");
    answer_error(res, 401, "missing or wrong bearer token (Authorization: Bearer ...)");
    return true;
  }
  if (req.method == "POST") {
    if (!predict_target(path).empty()) return false;  // the predict route answers with the body
    answer_error(res, 404, "no such route");
    return true;
  }
  if (!get) {
    answer_error(res, 405, "method not allowed");
    return true;
  }
  if (path == "/readyz") {
    readyz(state, true, res);
  } else if (path == "/metrics") {
    res.status = 200;
    res.content_type = "text/plain; version=0.0.4; charset=utf-8";
    res.body = state.metrics->prometheus(snapshot(state));
  } else if (path == "/openapi.json") {
    res.status = 200;
    res.content_type = kJson;
    res.body = state.openapi;
  } else if (path == "/v1/features") {
    features(state, "", res);
  } else if (path.starts_with("/v1/features/")) {
    features(state, path.substr(13), res);
  } else if (!predict_target(path).empty()) {
    answer_error(res, 405, "use POST to predict");
  } else {
    answer_error(res, 404, "no such route");
  }
  return true;
}

void answer_request(ServeState& state, const HttpRequest& req, HttpResponse& res,
                    std::chrono::steady_clock::time_point start) {
  if (!answer_before_body(state, req, res)) predict(state, req, res, start);
}

void answer_requests(ServeState& state, std::span<const HttpRequest> requests,
                     std::span<HttpResponse> responses,
                     std::span<const std::chrono::steady_clock::time_point> starts) {
  // A predict request parsed, waiting for the batch's online reads.
  struct Pending {
    size_t at = 0;     // in `requests`
    size_t index = 0;  // its workflow
    PredictRequest request;
  };
  std::vector<Pending> pending;
  for (size_t i = 0; i < requests.size(); ++i) {
    if (answer_before_body(state, requests[i], responses[i])) continue;
    const size_t index = predict_workflow(state, requests[i], responses[i], starts[i]);
    if (index == std::string::npos) continue;
    try {
      pending.push_back({i, index,
                         parse_predict_request(requests[i].body, state.settings.max_json_depth,
                                               state.settings.max_rows)});
    } catch (const RequestError& error) {
      answer_request_error(state, index, error, responses[i], starts[i]);
    }
  }
  if (pending.empty()) return;

  // Per online store: one lease, and each view's keys of the whole batch read at once.
  struct Batch {
    OnlineStorePool* pool = nullptr;
    std::optional<OnlineStorePool::Lease> lease;
    std::unique_ptr<PrefetchedStore> prefetched;
    bool ok = true;
  };
  std::vector<Batch> batches;
  std::vector<size_t> batch_of(pending.size(), std::string::npos);
  const int64_t now = now_micros();
  for (size_t p = 0; p < pending.size(); ++p) {
    if (pending[p].request.key.is_null()) continue;
    OnlineStorePool* pool = state.workflows[pending[p].index].store;
    size_t b = 0;
    while (b < batches.size() && batches[b].pool != pool) ++b;
    if (b == batches.size()) {
      Batch batch;
      batch.pool = pool;
      try {
        batch.lease.emplace(pool->acquire());
        batch.prefetched = std::make_unique<PrefetchedStore>(*batch.lease->get());
      } catch (const Error& error) {
        warn_store_unreachable(error);
      }
      batches.push_back(std::move(batch));
    }
    batch_of[p] = b;
  }
  for (size_t b = 0; b < batches.size(); ++b) {
    if (!batches[b].prefetched) continue;
    // view -> the keys to read (and the view's spec for its ttl)
    std::vector<std::pair<const FeatureViewSpec*, std::vector<std::string>>> reads;
    for (size_t p = 0; p < pending.size(); ++p) {
      if (batch_of[p] != b) continue;
      std::vector<Predictor::PlannedLookup> planned;
      try {
        planned = state.workflows[pending[p].index].predictor->planned_lookups(pending[p].request);
      } catch (const RequestError&) {
        continue;  // predict() answers it
      }
      for (Predictor::PlannedLookup& lookup : planned) {
        size_t r = 0;
        while (r < reads.size() && (reads[r].first->name != lookup.view->name ||
                                    reads[r].first->ttl_us != lookup.view->ttl_us)) {
          ++r;
        }
        if (r == reads.size()) reads.emplace_back(lookup.view, std::vector<std::string>());
        reads[r].second.push_back(std::move(lookup.key));
      }
    }
    for (const auto& read : reads) {
      try {
        std::vector<OnlineLookup> found = batches[b].lease->get()->read(
            read.first->name, read.second, {.ttl_us = read.first->ttl_us, .now_us = now});
        for (size_t k = 0; k < found.size() && k < read.second.size(); ++k) {
          batches[b].prefetched->add(read.first->name, read.second[k], std::move(found[k]));
        }
      } catch (const Error&) {
        break;  // each request reads again, and falls back as it would alone
      }
    }
  }
  // Each workflow's requests together (Predictor::predict_many: one model call for the rows of
  // every request whose features are complete), against one snapshot of its model.
  std::vector<bool> done(pending.size(), false);
  std::vector<const PredictRequest*> group;
  std::vector<size_t> members;
  for (size_t p = 0; p < pending.size(); ++p) {
    if (done[p]) continue;
    const size_t index = pending[p].index;
    group.clear();
    members.clear();
    Batch* batch = nullptr;
    for (size_t q = p; q < pending.size(); ++q) {
      if (done[q] || pending[q].index != index) continue;
      done[q] = true;
      group.push_back(&pending[q].request);
      members.push_back(q);
      if (!batch && batch_of[q] != std::string::npos) batch = &batches[batch_of[q]];
    }
    OnlineStore* store = batch && batch->prefetched ? batch->prefetched.get() : nullptr;
    const ServedWorkflow& workflow = state.workflows[index];
    const std::shared_ptr<const ServedModel> model = state.models->get(workflow.slot);
    std::vector<PredictResult> results =
        workflow.predictor->predict_many(group, *model, store, now);
    for (size_t m = 0; m < members.size(); ++m) {
      const size_t at = pending[members[m]].at;
      if (!respond(state, index, results[m], requests[at], responses[at], starts[at], now) &&
          batch) {
        batch->ok = false;
      }
    }
  }
  for (Batch& batch : batches) {
    if (!batch.ok && batch.lease) batch.lease->discard();
  }
}

void install_routes(httplib::Server& server, ServeState& state) {
  const ServerSettings& settings = state.settings;
  ServeState* shared = &state;
  prepare_routes(state);
  server.new_task_queue = [shared] {
    return new WorkQueue(
        shared->settings.threads, shared->settings.queue,
        [shared] { shared->metrics->count_rejected(); }, &shared->queued);
  };
  auto seconds = [](std::chrono::milliseconds ms) {
    return static_cast<time_t>(ms.count() / 1000);
  };
  auto micros = [](std::chrono::milliseconds ms) {
    return static_cast<time_t>(ms.count() % 1000 * 1000);
  };
  server.set_read_timeout(seconds(settings.read_timeout), micros(settings.read_timeout));
  server.set_write_timeout(seconds(settings.write_timeout), micros(settings.write_timeout));
  server.set_keep_alive_timeout(
      std::max<time_t>(1, static_cast<time_t>((settings.keep_alive_timeout.count() + 999) / 1000)));
  server.set_keep_alive_max_count(settings.keep_alive_requests);
  server.set_payload_max_length(settings.max_body_bytes);
  server.set_tcp_nodelay(true);

  server.set_pre_routing_handler([shared](const httplib::Request& req, httplib::Response& res) {
    using Handled = httplib::Server::HandlerResponse;
    t_request.start = Clock::now();
    if (!t_request.counted) {
      t_request.counted = true;
      shared->in_flight.fetch_add(1, std::memory_order_relaxed);
    }
    HttpResponse answer;
    if (WorkQueue::rejecting()) {
      answer_overloaded(answer, "every worker busy, queue full");
    } else if (!answer_before_body(*shared, from_httplib(req), answer)) {
      return Handled::Unhandled;  // the body is read, then the predict route answers
    }
    to_httplib(answer, res);
    return Handled::Handled;
  });

  server.Post(R"(/v1/workflows/([^/]+)/predict)", [shared](const httplib::Request& req,
                                                           httplib::Response& res) {
    HttpResponse answer;
    predict(*shared, from_httplib(req), answer, t_request.counted ? t_request.start : Clock::now());
    to_httplib(answer, res);
  });

  server.set_error_handler([shared](const httplib::Request&, httplib::Response& res) {
    if (!res.body.empty()) return;
    HttpResponse answer;
    switch (res.status) {
      case 413: answer_too_large(shared->settings, answer); break;
      case 404: answer_error(answer, 404, "no such route"); break;
      case 400: answer_error(answer, 400, "bad request"); break;
      default: answer_error(answer, res.status, "request failed"); break;
    }
    to_httplib(answer, res);
  });

  server.set_exception_handler(
      [](const httplib::Request&, httplib::Response& res, std::exception_ptr error) {
        log_error("serve: a request failed", {{"reason", describe_exception(error)}});
        HttpResponse answer;
        answer_error(answer, 500, "internal error");
        to_httplib(answer, res);
      });

  server.set_logger([shared](const httplib::Request&, const httplib::Response& res) {
    if (t_request.counted) {
      t_request.counted = false;
      shared->in_flight.fetch_sub(1, std::memory_order_relaxed);
    }
    shared->metrics->count_response(res.status);
  });
}

std::string describe_exception(std::exception_ptr error) {
  try {
    if (error) std::rethrow_exception(error);
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
  }
  return "unknown";
}

}  // namespace mlops

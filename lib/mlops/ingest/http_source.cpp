#include "mlops/ingest/http_source.h"

#include <cstdlib>

#include "mlops/core/error.h"
#include "mlops/core/log.h"
#include "mlops/ingest/json_path.h"

namespace mlops {

namespace {

using Json = nlohmann::json;

// A response whose body parsed (or did not, with the reason).
struct Page {
  HttpResponse response;
  Json document;
  std::string problem;  // why the body holds no records; empty when it parsed
};

// One GET, retried on transfer failures, 408, 429 and 5xx. Every body received goes to raw.
HttpResponse fetch(SourceContext& context, HttpClient& client, Backoff& backoff,
                   const HttpRequest& request, int& retries) {
  RawLayer& raw = context.lake.raw(context.spec.name);
  while (true) {
    HttpResponse response = client.get(request);
    ++context.report.requests;
    if (response.status > 0) {
      Json meta{
          {"kind", "http"}, {"url", request.url}, {"status", response.status}, {"retry", retries}};
      if (!response.error.empty()) meta["error"] = response.error;
      // Link pagination walks by this header: a rebuild replays the walk from it.
      if (context.options.text("pagination.type") == "link") {
        meta["link"] = response.headers_named("link");
      }
      if (!context.replay) raw.append(response.body, std::move(meta));
      context.report.bytes += response.body.size();
    }
    if (!is_retryable(response)) {
      if (response.status >= 200 && response.status < 300) return response;
      throw NetworkError("GET {}: HTTP {} (not retried)", request.url, response.status);
    }
    const std::string what =
        response.error.empty() ? fmt::format("HTTP {}", response.status) : response.error;
    if (!backoff.may_retry(retries)) {
      throw NetworkError("GET {}: {} (gave up after {} retries; retry budget left: {})",
                         request.url, what, retries, backoff.budget_left());
    }
    const double wait = backoff.next_delay(retries, response);
    ++retries;
    log_warn("ingest: request failed, retrying", {{"source", context.spec.name},
                                                  {"url", request.url},
                                                  {"error", what},
                                                  {"retry", retries},
                                                  {"wait_s", wait}});
    context.pause(wait);
  }
}

// GET and parse; a body that is not JSON is fetched again while retries last (it may have
// been cut short on the way), then handed back with its problem.
Page fetch_json(SourceContext& context, HttpClient& client, Backoff& backoff,
                const HttpRequest& request) {
  int retries = 0;
  while (true) {
    Page page;
    page.response = fetch(context, client, backoff, request, retries);
    try {
      page.document = Json::parse(page.response.body);
      return page;
    } catch (const Json::parse_error& error) {
      page.problem = fmt::format("the response is not valid JSON (at byte {})", error.byte);
    }
    if (!backoff.may_retry(retries)) return page;
    const double wait = backoff.next_delay(retries, page.response);
    ++retries;
    log_warn("ingest: response is not valid JSON, retrying", {{"source", context.spec.name},
                                                              {"url", request.url},
                                                              {"retry", retries},
                                                              {"wait_s", wait}});
    context.pause(wait);
  }
}

// The records of a parsed page as JSON texts, or the problem when there are none to find.
std::vector<std::string> records_of(const Page& page, const std::string& path,
                                    std::string& problem) {
  const Json* node = json_at(page.document, path);
  std::vector<std::string> texts;
  if (!node) {
    problem = fmt::format("no '{}' in the response", path);
    return texts;
  }
  if (node->is_null()) return texts;
  if (node->is_object()) {
    texts.push_back(node->dump());
  } else if (node->is_array()) {
    texts.reserve(node->size());
    for (const auto& item : *node) texts.push_back(item.dump());
  } else {
    problem = fmt::format("'{}' in the response is a {}, not records",
                          path.empty() ? "the body" : path, node->type_name());
  }
  return texts;
}

std::string default_param(const std::string& pagination) {
  if (pagination == "page") return "page";
  if (pagination == "offset") return "offset";
  return "cursor";
}

std::string request_url(const HttpSourceConfig& config, const Json& position) {
  std::string url = config.url;
  if (config.pagination == "link") {
    return position.value("url", Json()).is_string() ? position["url"].get<std::string>() : url;
  }
  if (config.pagination == "page") {
    url = with_query_param(url, config.param, std::to_string(position.value("page", config.start)));
  } else if (config.pagination == "offset") {
    url =
        with_query_param(url, config.param, std::to_string(position.value("offset", config.start)));
  } else if (config.pagination == "cursor") {
    const Json cursor = position.value("cursor", Json());
    if (cursor.is_string()) url = with_query_param(url, config.param, cursor.get<std::string>());
  }
  if (!config.size_param.empty()) {
    url = with_query_param(url, config.size_param, std::to_string(config.size));
  }
  return url;
}

// The position after a page of `count` records; sets `last` when there is no page after it.
// At the last page the position stays on it, remembering how many of its records were taken,
// so the next run reads only the records added to it since.
Json next_position(const HttpSourceConfig& config, const Json& position, const Page& page,
                   size_t count, bool& last) {
  Json next = position;
  next["skip"] = 0;
  if (config.pagination == "page") {
    const int64_t number = position.value("page", config.start);
    const bool short_page = !config.size_param.empty() && static_cast<int64_t>(count) < config.size;
    last = count == 0 || short_page;
    if (last) {
      next["skip"] = count;
    } else {
      next["page"] = number + 1;
    }
  } else if (config.pagination == "offset") {
    next["offset"] = position.value("offset", config.start) + static_cast<int64_t>(count);
    last = static_cast<int64_t>(count) < config.size;
  } else if (config.pagination == "cursor") {
    const Json* cursor = json_at(page.document, config.cursor_path);
    std::string value;
    if (cursor && cursor->is_string()) value = cursor->get<std::string>();
    if (cursor && cursor->is_number()) value = cursor->dump();
    last = value.empty() || Json(value) == position.value("cursor", Json());
    if (last) {
      next["skip"] = count;
    } else {
      next["cursor"] = value;
    }
  } else {  // link
    auto target = link_target(page.response.headers_named("link"), "next");
    const std::string url = target ? resolve_url(page.response.url, *target) : "";
    const Json current = position.value("url", Json());
    last = url.empty() || (current.is_string() && current == url);
    if (last) {
      next["skip"] = count;
    } else {
      next["url"] = url;
    }
  }
  return next;
}

Batch page_batch(SourceContext& context, const std::string& url, std::vector<std::string> texts) {
  context.report.records += texts.size();
  Batch batch;
  batch.tables.push_back(
      json_batch(context.spec.table, url, std::move(texts), context.read_options(url)));
  return batch;
}

Batch bad_body_batch(SourceContext& context, const std::string& url, const Page& page,
                     const std::string& problem) {
  log_warn("ingest: response quarantined",
           {{"source", context.spec.name}, {"url", url}, {"reason", problem}});
  Batch batch;
  batch.bad.push_back({url, 0, 0, "", "", problem, page.response.body});
  batch.bad_table = context.spec.table;
  return batch;
}

void poll(SourceContext& context, const HttpSourceConfig& config, HttpClient& client,
          Backoff& backoff, const HttpRequest& base) {
  Json position = context.lake.position(context.spec.name);
  for (int64_t call = 0; call < config.poll_count; ++call) {
    if (call > 0) context.pause(config.poll_interval);
    const Page page = fetch_json(context, client, backoff, base);
    std::string problem = page.problem;
    std::vector<std::string> texts;
    if (problem.empty()) texts = records_of(page, config.records, problem);
    Batch batch = problem.empty() ? page_batch(context, base.url, std::move(texts))
                                  : bad_body_batch(context, base.url, page, problem);
    position["polls"] = position.value("polls", int64_t{0}) + 1;
    batch.position = position;
    context.commit(std::move(batch));
  }
}

void walk_pages(SourceContext& context, const HttpSourceConfig& config, HttpClient& client,
                Backoff& backoff, HttpRequest request) {
  Json position = context.lake.position(context.spec.name);
  if (position.value("pagination", "") != config.pagination) {
    if (!position.empty()) {
      log_warn("ingest: pagination changed; starting from the first page",
               {{"source", context.spec.name}});
    }
    position = Json{{"pagination", config.pagination}, {"skip", 0}};
  }
  for (int64_t pages = 0; config.max_pages == 0 || pages < config.max_pages; ++pages) {
    request.url = request_url(config, position);
    const Page page = fetch_json(context, client, backoff, request);
    std::string problem = page.problem;
    std::vector<std::string> texts;
    if (problem.empty()) texts = records_of(page, config.records, problem);
    if (!problem.empty()) {
      // The body goes to quarantine, the position stays on this page: skipping it would lose
      // its records, so the run fails and the next run fetches the page again.
      Batch batch = bad_body_batch(context, request.url, page, problem);
      batch.position = position;
      context.commit(std::move(batch));
      throw DataError(
          "GET {}: {}; this source stops here so that no page is skipped, and the next run "
          "fetches this page again",
          request.url, problem);
    }
    const size_t count = texts.size();
    const size_t skip = std::min<size_t>(position.value("skip", size_t{0}), count);
    texts.erase(texts.begin(), texts.begin() + static_cast<std::ptrdiff_t>(skip));
    bool last = false;
    Json next = next_position(config, position, page, count, last);
    Batch batch = page_batch(context, request.url, std::move(texts));
    batch.position = next;
    context.commit(std::move(batch));
    position = std::move(next);
    if (last) break;
  }
}

}  // namespace

HttpSourceConfig parse_http_config(const SourceOptions& options) {
  HttpSourceConfig config;
  config.url = options.text("url");
  if (config.url.empty()) throw ConfigError("key 'ingest.source.url' is required");
  config.records = options.text("records");
  config.headers = options.entries("headers");
  config.headers_env = options.entries("headers_env");
  config.bearer_token_env = options.text("bearer_token_env");
  config.connect_timeout = options.number("connect_timeout");
  config.timeout = options.number("timeout");
  config.pagination = options.text("pagination.type");
  config.param = options.text("pagination.param");
  if (config.param.empty()) config.param = default_param(config.pagination);
  config.start = options.has("pagination.start") ? options.integer("pagination.start")
                 : config.pagination == "page"   ? 1
                                                 : 0;
  config.size_param = options.text("pagination.size_param");
  if (config.size_param.empty() && config.pagination == "offset") config.size_param = "limit";
  config.size = options.integer("pagination.size");
  config.cursor_path = options.text("pagination.cursor_path");
  config.max_pages = options.integer("pagination.max_pages");
  config.poll_count = options.integer("poll.count");
  config.poll_interval = options.number("poll.interval");
  config.retry.max_retries = static_cast<int>(options.integer("retry.max_retries"));
  config.retry.backoff = options.number("retry.backoff");
  config.retry.max_backoff = options.number("retry.max_backoff");
  config.retry.budget = options.integer("retry.budget");
  if (config.poll_count > 1 && config.pagination != "none") {
    throw ConfigError(
        "{}: source '{}': poll.count {} needs pagination type none (polling calls one endpoint "
        "repeatedly; pages are walked once per run)",
        options.spec().options.origin().describe(), options.spec().name, config.poll_count);
  }
  return config;
}

std::vector<std::pair<std::string, std::string>> http_headers(const HttpSourceConfig& config) {
  auto headers = config.headers;
  auto from_env = [](const std::string& variable, const std::string& what) {
    const char* value = std::getenv(variable.c_str());
    if (!value || !*value) {
      throw ConfigError("environment variable '{}' ({}) is not set", variable, what);
    }
    return std::string(value);
  };
  for (const auto& [name, variable] : config.headers_env) {
    headers.emplace_back(name, from_env(variable, "header " + name));
  }
  if (!config.bearer_token_env.empty()) {
    headers.emplace_back("Authorization",
                         "Bearer " + from_env(config.bearer_token_env, "bearer token"));
  }
  return headers;
}

void run_http_source(SourceContext& context, HttpClient* client) {
  const HttpSourceConfig config = parse_http_config(context.options);
  std::unique_ptr<HttpClient> own;
  if (!client) {
    own = make_curl_client();
    client = own.get();
  }
  HttpRequest request;
  request.url = config.url;
  request.user_agent = "mlops-ingest";
  if (!context.replay) request.headers = http_headers(config);  // a replay sends nothing
  request.connect_timeout = config.connect_timeout;
  request.timeout = config.timeout;
  Backoff backoff(config.retry);
  context.report.inputs.push_back(config.url);
  if (config.pagination == "none") {
    poll(context, config, *client, backoff, request);
  } else {
    walk_pages(context, config, *client, backoff, std::move(request));
  }
}

}  // namespace mlops

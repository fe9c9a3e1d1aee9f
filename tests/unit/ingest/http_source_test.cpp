// The http source against a real server on 127.0.0.1 (cpp-httplib): each pagination style,
// polling with de-duplication, and the faults an API throws at a poller.

#include "mlops/ingest/http_source.h"

#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <mutex>

#include "ingest_fixture.h"
#include "mlops/core/error.h"
#include "mlops/ingest/rebuild.h"
#include "support/http_test_server.h"

namespace mlops {
namespace {

using nlohmann::json;
using testing::TempDir;

// 25 beers; from id 13 on they carry an "abv" key, and beer 20's ibu is text.
json beer(int id) {
  json item{{"id", id}, {"name", "beer " + std::to_string(id)}, {"ibu", 20 + id}};
  if (id >= 13) item["abv"] = 4.5;
  if (id == 20) item["ibu"] = "very bitter";
  return item;
}

json beers(int from, int to) {  // [from, to)
  json items = json::array();
  for (int id = from; id < std::min(to, 26); ++id) items.push_back(beer(id));
  return items;
}

int int_param(const httplib::Request& request, const std::string& name, int fallback) {
  return request.has_param(name) ? std::stoi(request.get_param_value(name)) : fallback;
}

// Counts requests by target and lets a test say what the n-th request of a target gets.
class FakeApi {
 public:
  FakeApi() {
    auto& server = http_.server();
    server.Get("/page", [this](const auto& request, auto& response) {
      const int page = int_param(request, "page", 1), size = int_param(request, "per_page", 10);
      if (fault(request, response)) return;
      response.set_content(
          json{{"data", {{"items", beers((page - 1) * size + 1, page * size + 1)}}}}.dump(),
          "application/json");
    });
    server.Get("/offset", [this](const auto& request, auto& response) {
      const int offset = int_param(request, "offset", 0), limit = int_param(request, "limit", 10);
      if (fault(request, response)) return;
      response.set_content(json{{"items", beers(offset + 1, offset + limit + 1)}}.dump(),
                           "application/json");
    });
    server.Get("/cursor", [this](const auto& request, auto& response) {
      const int from = request.has_param("cursor") ? int_param(request, "cursor", 1) : 1;
      if (fault(request, response)) return;
      json body{{"results", beers(from, from + 10)}};
      body["meta"]["next"] = from + 10 <= 25 ? json(std::to_string(from + 10)) : json(nullptr);
      response.set_content(body.dump(), "application/json");
    });
    server.Get("/link", [this](const auto& request, auto& response) {
      const int page = int_param(request, "page", 1);
      if (fault(request, response)) return;
      if (page * 10 < 25) {
        response.set_header("Link", "</link?page=" + std::to_string(page + 1) +
                                        ">; rel=\"next\", </link?page=3>; rel=\"last\"");
      }
      response.set_content(beers((page - 1) * 10 + 1, page * 10 + 1).dump(), "application/json");
    });
    server.Get("/random", [this](const auto& request, auto& response) {
      const int call = ++random_calls_;
      if (fault(request, response)) return;
      // Beers 1..4 over and over: a random endpoint repeats itself.
      response.set_content(beer((call - 1) % 4 + 1).dump(), "application/json");
    });
    http_.start();
  }

  /// The `nth` request (1-based) of `target` (path and query) gets `fault`.
  void inject(const std::string& target, int nth, std::string fault) {
    std::lock_guard lock(mutex_);
    faults_[{target, nth}] = std::move(fault);
  }
  int requests(const std::string& target) {
    std::lock_guard lock(mutex_);
    return counts_[target];
  }
  /// Responses a client received in full or in part (slow ones are given up on).
  int answered() const { return answered_; }
  std::string url(const std::string& path) const { return http_.url(path); }
  /// Stops serving: every later request is refused.
  void stop() { http_.stop(); }

 private:
  bool fault(const httplib::Request& request, httplib::Response& response) {
    std::string target = request.path;
    if (!request.params.empty()) {
      std::string query;
      for (const auto& [name, value] : request.params)
        query += (query.empty() ? "?" : "&") + name + "=" + value;
      target += query;
    }
    std::string fault;
    {
      std::lock_guard lock(mutex_);
      const int nth = ++counts_[target];
      auto it = faults_.find({target, nth});
      if (it != faults_.end()) fault = it->second;
    }
    if (fault == "slow") {
      std::this_thread::sleep_for(std::chrono::milliseconds(1500));
      response.set_content("[]", "application/json");
      return true;
    }
    ++answered_;
    if (fault == "500") {
      response.status = 500;
      response.set_content("{\"error\": \"boom\"}", "application/json");
    } else if (fault == "429") {
      response.status = 429;
      response.set_header("Retry-After", "1");
      response.set_content("slow down", "text/plain");
    } else if (fault == "truncated") {
      response.set_content("{\"data\": {\"items\": [{\"id\": 1", "application/json");
    } else if (fault == "malformed") {
      response.set_content("<html>oops</html>", "text/html");
    } else {
      return false;
    }
    return true;
  }

  testing::HttpTestServer http_;
  std::mutex mutex_;
  std::map<std::pair<std::string, int>, std::string> faults_;
  std::map<std::string, int> counts_;
  std::atomic<int> answered_{0};
  std::atomic<int> random_calls_{0};
};

class HttpSource : public ::testing::Test {
 protected:
  /// `ingest` holds extra keys of the ingest section (schema, rebuild), two-space indented.
  Workflow workflow(const std::string& source, const std::string& ingest = "") {
    return testing::make_workflow(dir_, "name: beers\ningest:\n" + ingest + "  source:\n" + source);
  }
  IngestOutcome ingest(const Workflow& w) {
    IngestOptions options;
    options.sleep = [this](double seconds) { sleeps_.push_back(seconds); };
    return testing::ingest_once(w, options);
  }
  std::string retry_fast() const {
    return "    retry: {max_retries: 3, backoff: 0.01, max_backoff: 2, budget: 10}\n";
  }
  void expect_all_good_beers_once(const Workflow& w) {
    Table table = testing::load_table(w, "beers");
    std::vector<int64_t> expected = testing::one_to(25);
    expected.erase(expected.begin() + 19);  // beer 20's ibu does not fit the int64 column
    EXPECT_EQ(testing::ints(table, "id"), expected);
  }

  TempDir dir_;
  FakeApi api_;
  std::vector<double> sleeps_;
};

TEST_F(HttpSource, PageNumbersWithRetriesOn500And429) {
  api_.inject("/page?page=2&per_page=10", 1, "500");
  api_.inject("/page?page=3&per_page=10", 1, "429");
  Workflow w = workflow("    type: http\n    url: " + api_.url("/page") +
                        "\n    records: data.items\n"
                        "    pagination: {type: page, size_param: per_page, size: 10}\n" +
                        retry_fast());
  IngestOutcome outcome = ingest(w);
  ASSERT_FALSE(outcome.error);
  expect_all_good_beers_once(w);
  EXPECT_EQ(api_.requests("/page?page=1&per_page=10"), 1);
  EXPECT_EQ(api_.requests("/page?page=2&per_page=10"), 2);
  EXPECT_NE(std::find(sleeps_.begin(), sleeps_.end(), 1.0), sleeps_.end())
      << "Retry-After: 1 was not honoured";
  // The key that appeared halfway is a nullable column; beer 20 is quarantined with a reason.
  Table table = testing::load_table(w, "beers");
  EXPECT_TRUE(table.column("abv").is_null(0));
  EXPECT_DOUBLE_EQ(table.column("abv").float_at(12), 4.5);
  auto bad = testing::lake_quarantine(w, "beers");
  ASSERT_EQ(bad.size(), 1u);
  EXPECT_EQ(bad[0]["column"], "ibu");
  EXPECT_EQ(bad[0]["reason"],
            "column 'ibu': value 'very bitter' (string) does not fit the clean column's type "
            "int64");
  EXPECT_EQ(json::parse(bad[0]["raw"].get<std::string>())["id"], 20);
  EXPECT_EQ(bad[0]["source"], api_.url("/page?page=2&per_page=10"));
  // Every body received, failures included, is in the raw layer with its status.
  auto raw = testing::raw_index(w, "beers");
  EXPECT_EQ(raw.size(), static_cast<size_t>(api_.answered()));
  EXPECT_EQ(raw[1]["status"], 500);
  EXPECT_EQ(raw[1]["checksum"].get<std::string>().substr(0, 7), "xxh128:");
}

TEST_F(HttpSource, OffsetLimitRetriesAResponseSlowerThanTheTimeout) {
  api_.inject("/offset?limit=10&offset=10", 1, "slow");
  Workflow w = workflow("    type: http\n    url: " + api_.url("/offset") +
                        "\n    records: items\n    timeout: 0.4\n"
                        "    pagination: {type: offset, size: 10}\n" +
                        retry_fast());
  IngestOutcome outcome = ingest(w);
  ASSERT_FALSE(outcome.error);
  expect_all_good_beers_once(w);
  EXPECT_EQ(api_.requests("/offset?limit=10&offset=10"), 2);
}

TEST_F(HttpSource, CursorFieldRetriesTruncatedJson) {
  api_.inject("/cursor?cursor=11", 1, "truncated");
  Workflow w = workflow("    type: http\n    url: " + api_.url("/cursor") +
                        "\n    records: results\n"
                        "    pagination: {type: cursor, cursor_path: meta.next}\n" +
                        retry_fast());
  IngestOutcome outcome = ingest(w);
  ASSERT_FALSE(outcome.error);
  expect_all_good_beers_once(w);
  EXPECT_EQ(api_.requests("/cursor?cursor=11"), 2);
  // The truncated body was received, so it is in raw.
  auto raw = testing::raw_index(w, "beers");
  EXPECT_EQ(raw.size(), 4u);
}

TEST_F(HttpSource, LinkHeaderNextAndNextRunReadsOnlyNewRecords) {
  Workflow w = workflow("    type: http\n    url: " + api_.url("/link") +
                        "\n    pagination: {type: link}\n" + retry_fast());
  ASSERT_FALSE(ingest(w).error);
  expect_all_good_beers_once(w);
  EXPECT_EQ(api_.requests("/link?page=3"), 1);
  // A second run resumes on the last page (it may have grown) and adds nothing.
  IngestOutcome again = ingest(w);
  ASSERT_FALSE(again.error);
  EXPECT_EQ(again.sources[0].rows, 0u);
  EXPECT_EQ(api_.requests("/link"), 1);
  EXPECT_EQ(api_.requests("/link?page=3"), 2);
  expect_all_good_beers_once(w);
}

TEST_F(HttpSource, PollingDeduplicatesOnTheKeyAndQuarantinesMalformedBodies) {
  api_.inject("/random", 3, "malformed");
  Workflow w = workflow("    type: http\n    url: " + api_.url("/random") +
                        "\n    key: id\n    poll: {count: 6, interval: 0.2}\n"
                        "    retry: {max_retries: 0, budget: 5}\n");
  IngestOutcome outcome = ingest(w);
  ASSERT_FALSE(outcome.error);
  // Calls 1..6 answer beers 1, 2, (garbage), 4, 1, 2: three distinct beers, two repeats.
  EXPECT_EQ(testing::ints(testing::load_table(w, "beers"), "id"), (std::vector<int64_t>{1, 2, 4}));
  EXPECT_EQ(outcome.sources[0].duplicates, 2u);
  auto bad = testing::lake_quarantine(w, "beers");
  ASSERT_EQ(bad.size(), 1u);
  EXPECT_EQ(bad[0]["raw"], "<html>oops</html>");
  EXPECT_EQ(bad[0]["reason"], "the response is not valid JSON (at byte 1)");
  EXPECT_EQ(std::count(sleeps_.begin(), sleeps_.end(), 0.2), 5);
  // The next run keeps de-duplicating against what earlier runs ingested.
  ASSERT_FALSE(ingest(w).error);
  EXPECT_EQ(testing::load_table(w, "beers").num_rows(), 4u);  // beer 3 is new
}

TEST_F(HttpSource, SpentRetryBudgetExitsWithWhatWasFetchedCommitted) {
  for (int nth = 1; nth <= 10; ++nth) api_.inject("/page?page=2", nth, "500");
  Workflow w = workflow("    type: http\n    url: " + api_.url("/page") +
                        "\n    records: data.items\n    pagination: {type: page}\n"
                        "    retry: {max_retries: 5, backoff: 0.01, budget: 2}\n");
  IngestOutcome outcome = ingest(w);
  ASSERT_TRUE(outcome.error);
  try {
    std::rethrow_exception(outcome.error);
  } catch (const NetworkError& error) {
    EXPECT_EQ(std::string(error.what()),
              "GET " + api_.url("/page?page=2") +
                  ": HTTP 500 (gave up after 2 retries; retry budget left: 0)");
    EXPECT_EQ(error.exit_code(), ExitCode::kIo);
  }
  EXPECT_EQ(testing::ints(testing::load_table(w, "beers"), "id"), testing::one_to(10));
  Lake lake(lake_root(w));
  EXPECT_EQ(lake.position("beers")["page"], 2);
}

TEST_F(HttpSource, PageThatCannotBeParsedFailsTheRunAndIsFetchedAgainNextRun) {
  api_.inject("/page?page=2&per_page=10", 1, "truncated");
  Workflow w = workflow("    type: http\n    url: " + api_.url("/page") +
                        "\n    records: data.items\n"
                        "    pagination: {type: page, size_param: per_page, size: 10}\n"
                        "    retry: {max_retries: 0, budget: 5}\n");
  IngestOutcome outcome = ingest(w);
  ASSERT_TRUE(outcome.error);
  try {
    std::rethrow_exception(outcome.error);
  } catch (const DataError& error) {
    EXPECT_EQ(std::string(error.what()),
              "GET " + api_.url("/page?page=2&per_page=10") +
                  ": the response is not valid JSON (at byte 29); this source stops here so that "
                  "no page is skipped, and the next run fetches this page again");
    EXPECT_EQ(error.exit_code(), ExitCode::kBadData);
  }
  EXPECT_EQ(api_.requests("/page?page=3&per_page=10"), 0);
  EXPECT_EQ(testing::ints(testing::load_table(w, "beers"), "id"), testing::one_to(10));
  // The next run starts at the page that failed: nothing is missing, nothing twice.
  ASSERT_FALSE(ingest(w).error);
  EXPECT_EQ(api_.requests("/page?page=2&per_page=10"), 2);
  expect_all_good_beers_once(w);
}

TEST_F(HttpSource, HeadersComeFromTheEnvironmentAndAreRequired) {
  Workflow w = workflow("    type: http\n    url: " + api_.url("/random") +
                        "\n    bearer_token_env: MLOPS_TEST_UNSET_TOKEN\n");
  try {
    ingest(w);
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& error) {
    EXPECT_EQ(std::string(error.what()),
              "environment variable 'MLOPS_TEST_UNSET_TOKEN' (bearer token) is not set");
  }
  HttpSourceConfig config;
  config.headers = {{"Accept", "application/json"}};
  config.headers_env = {{"X-Api-Key", "MLOPS_TEST_KEY"}};
  config.bearer_token_env = "MLOPS_TEST_TOKEN";
  ::setenv("MLOPS_TEST_KEY", "k-123", 1);
  ::setenv("MLOPS_TEST_TOKEN", "t-456", 1);
  EXPECT_EQ(http_headers(config),
            (std::vector<std::pair<std::string, std::string>>{{"Accept", "application/json"},
                                                              {"X-Api-Key", "k-123"},
                                                              {"Authorization", "Bearer t-456"}}));
}

// What the lake holds: ids in row order, and each quarantine line's source and reason.
struct LakeView {
  std::vector<int64_t> ids;
  std::vector<std::pair<std::string, std::string>> quarantine;
  bool operator==(const LakeView&) const = default;
};

LakeView view(const Workflow& w) {
  LakeView out{testing::ints(testing::load_table(w, "beers"), "id"), {}};
  for (const auto& line : testing::lake_quarantine(w, "beers")) {
    out.quarantine.emplace_back(line["source"], line["reason"]);
  }
  return out;
}

TEST_F(HttpSource, RebuildReplaysEveryPaginationAsReceivedWithTheServerStopped) {
  api_.inject("/page?page=2&per_page=10", 1, "500");
  api_.inject("/page?page=3&per_page=10", 1, "truncated");
  api_.inject("/cursor?cursor=11", 1, "truncated");
  const std::vector<std::string> sources{
      "    type: http\n    url: " + api_.url("/page") +
          "\n    records: data.items\n"
          "    pagination: {type: page, size_param: per_page, size: 10}\n" +
          retry_fast(),
      "    type: http\n    url: " + api_.url("/cursor") +
          "\n    records: results\n    pagination: {type: cursor, cursor_path: meta.next}\n" +
          retry_fast(),
      "    type: http\n    url: " + api_.url("/link") + "\n    pagination: {type: link}\n" +
          retry_fast()};
  std::vector<LakeView> live;
  for (size_t i = 0; i < sources.size(); ++i) {
    Workflow w =
        testing::make_workflow(dir_, "name: beers" + std::to_string(i) +
                                         "\ningest:\n  source:\n    name: beers\n" + sources[i]);
    ASSERT_FALSE(ingest(w).error) << i;
    ASSERT_FALSE(ingest(w).error) << i;  // the second run re-reads the last page, takes nothing
    live.push_back(view(w));
    expect_all_good_beers_once(w);
  }
  api_.stop();
  for (size_t i = 0; i < sources.size(); ++i) {
    const std::string name = "name: beers" + std::to_string(i) + "\ningest:\n";
    // The same schema: the rebuilt lake is the one the live runs built.
    Workflow same = testing::make_workflow(
        dir_, name + "  rebuild: true\n  source:\n    name: beers\n" + sources[i]);
    const size_t raw_before = testing::raw_index(same, "beers").size();
    ASSERT_FALSE(ingest(same).error) << i;
    EXPECT_EQ(view(same), live[i]) << i;
    // A declared type lets beer 20 in: what the earlier schema quarantined is read again.
    Workflow typed = testing::make_workflow(
        dir_, name + "  rebuild: true\n  schema: {ibu: string}\n  source:\n    name: beers\n" +
                  sources[i]);
    ASSERT_FALSE(ingest(typed).error) << i;
    EXPECT_EQ(testing::ints(testing::load_table(typed, "beers"), "id"), testing::one_to(25)) << i;
    EXPECT_TRUE(testing::lake_quarantine(typed, "beers").empty()) << i;
    EXPECT_EQ(testing::raw_index(typed, "beers").size(), raw_before) << i;  // raw as received
  }
}

TEST_F(HttpSource, RebuildPollingKeepsKeysAndQuarantinesTheBadBodyAgain) {
  api_.inject("/random", 3, "malformed");
  const std::string source = "    type: http\n    url: " + api_.url("/random") +
                             "\n    key: id\n    poll: {count: 6, interval: 0}\n"
                             "    retry: {max_retries: 0, budget: 5}\n";
  Workflow w = workflow(source);
  ASSERT_FALSE(ingest(w).error);
  api_.stop();
  IngestOutcome rebuilt = ingest(workflow(source,
                                          "  schema: {name: {values: [beer 1, beer 4]}}\n"
                                          "  rebuild: true\n"));
  ASSERT_FALSE(rebuilt.error);
  EXPECT_EQ(testing::ints(testing::load_table(w, "beers"), "id"), (std::vector<int64_t>{1, 4}));
  auto bad = testing::lake_quarantine(w, "beers");
  // Calls 1..6 answered beers 1, 2, (garbage), 4, 1, 2; a rejected row has no key to repeat.
  ASSERT_EQ(bad.size(), 3u);
  EXPECT_EQ(bad[0]["reason"], "value 'beer 2' is not one of [beer 1, beer 4]");
  EXPECT_EQ(bad[1]["reason"], "the response is not valid JSON (at byte 1)");
  EXPECT_EQ(bad[2]["reason"], bad[0]["reason"]);
}

TEST_F(HttpSource, RebuildRefusesWhenThePaginationNoLongerAsksForTheRecordedPages) {
  const std::string source = "    type: http\n    url: " + api_.url("/offset") +
                             "\n    records: items\n    pagination: {type: offset, size: 10}\n";
  Workflow w = workflow(source);
  ASSERT_FALSE(ingest(w).error);
  const LakeView before = view(w);
  api_.stop();
  const std::string resized = "    type: http\n    url: " + api_.url("/offset") +
                              "\n    records: items\n    pagination: {type: offset, size: 5}\n";
  try {
    ingest(workflow(resized, "  rebuild: true\n"));
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& error) {
    EXPECT_EQ(std::string(error.what()),
              "mlops ingest --rebuild: source 'beers': response 1 of the raw layer answered GET " +
                  api_.url("/offset?offset=0&limit=10") +
                  ", but the current settings ask for GET " + api_.url("/offset?offset=0&limit=5") +
                  " (the url or pagination changed since it was fetched), so the raw layer cannot "
                  "be replayed; restore the settings, or move the lake aside and run `mlops "
                  "ingest` to fetch again (nothing was changed)");
  }
  EXPECT_EQ(view(w), before);
}

}  // namespace
}  // namespace mlops

#include "mlops/notify/notifier.h"

#include <gtest/gtest.h>

#include <chrono>
#include <deque>
#include <mutex>
#include <thread>

#include "mlops/config/node.h"
#include "mlops/config/schema.h"
#include "mlops/core/error.h"
#include "mlops/core/secret_mask.h"
#include "support/error_text.h"

namespace mlops {
namespace notifier_test {
namespace {

// A client answering from a script (one response per request, the last repeated), recording
// what it was sent; `hang` makes every request take its whole timeout, like a silent server.
// Webhooks are sent to at once, each from its own thread: the script is locked.
struct Script {
  std::deque<HttpResponse> responses;
  std::vector<HttpRequest> requests;
  bool hang = false;
  std::string hang_only;  // when set, only requests to URLs holding it hang
  std::mutex mutex;
};

class ScriptedClient : public HttpClient {
 public:
  explicit ScriptedClient(Script& script) : script_(script) {}
  HttpResponse send(const HttpRequest& request) override {
    std::unique_lock lock(script_.mutex);
    script_.requests.push_back(request);
    if (script_.hang &&
        (script_.hang_only.empty() || request.url.find(script_.hang_only) != std::string::npos)) {
      lock.unlock();
      std::this_thread::sleep_for(std::chrono::duration<double>(request.timeout));
      HttpResponse timed_out;
      timed_out.error = "Operation timed out";
      return timed_out;
    }
    HttpResponse response = script_.responses.front();
    if (script_.responses.size() > 1) script_.responses.pop_front();
    return response;
  }

 private:
  Script& script_;
};

HttpResponse status(long code) {
  HttpResponse response;
  response.status = code;
  return response;
}

NotifySettings settings(std::vector<std::string> on = {"failure"}) {
  NotifySettings out;
  out.on = std::move(on);
  out.webhooks = {"http://127.0.0.1:9/hook/T0/SECRETPART"};
  out.timeout = 1;
  out.retries = 3;
  out.backoff = 0.01;
  out.deadline = 5;
  return out;
}

Notifier notifier(const NotifySettings& with, Script& script) {
  return Notifier(with, [&script] { return std::make_unique<ScriptedClient>(script); });
}

NotifyEvent failure() {
  NotifyEvent event;
  event.kind = std::string("failure");
  event.summary = std::string("stage ingest failed");
  event.workflow = std::string("w");
  return event;
}

TEST(Notifier, PostsTheJsonBodyOnce) {
  Script script;
  script.responses = {status(200)};
  Notifier sender = notifier(settings(), script);
  const auto deliveries = sender.send(failure());
  ASSERT_EQ(deliveries.size(), 1u);
  EXPECT_TRUE(deliveries[0].delivered);
  EXPECT_EQ(deliveries[0].attempts, 1);
  EXPECT_EQ(deliveries[0].webhook, "http://127.0.0.1:9/****");
  ASSERT_EQ(script.requests.size(), 1u);
  EXPECT_EQ(script.requests[0].method, "POST");
  EXPECT_EQ(script.requests[0].url, "http://127.0.0.1:9/hook/T0/SECRETPART");
  EXPECT_EQ(
      script.requests[0].headers,
      (std::vector<std::pair<std::string, std::string>>{{"Content-Type", "application/json"}}));
  EXPECT_EQ(nlohmann::json::parse(script.requests[0].body)["mlops"]["event"], "failure");
}

TEST(Notifier, SendsOnlyTheEventsListed) {
  Script script;
  script.responses = {status(200)};
  Notifier sender = notifier(settings({"drift"}), script);
  EXPECT_FALSE(sender.wants("failure"));
  EXPECT_TRUE(sender.wants("drift"));
  EXPECT_TRUE(sender.send(failure()).empty());
  EXPECT_TRUE(script.requests.empty());
  NotifySettings none = settings({"failure"});
  none.webhooks.clear();
  EXPECT_FALSE(notifier(none, script).wants("failure"));
}

TEST(Notifier, RetriesServerErrorsAndTooManyRequestsThenDelivers) {
  Script script;
  script.responses = {status(500), status(429), status(503), status(204)};
  Notifier sender = notifier(settings(), script);
  const auto deliveries = sender.send(failure());
  ASSERT_EQ(deliveries.size(), 1u);
  EXPECT_TRUE(deliveries[0].delivered);
  EXPECT_EQ(deliveries[0].attempts, 4);
  EXPECT_EQ(script.requests.size(), 4u);
  EXPECT_EQ(script.requests[3].body, script.requests[0].body);
}

TEST(Notifier, GivesUpAfterTheRetriesWithTheLastStatus) {
  Script script;
  script.responses = {status(502)};
  Notifier sender = notifier(settings(), script);
  const auto deliveries = sender.send(failure());
  EXPECT_FALSE(deliveries[0].delivered);
  EXPECT_EQ(deliveries[0].attempts, 4);  // the first and 3 retries
  EXPECT_EQ(deliveries[0].status, 502);
  EXPECT_EQ(deliveries[0].error, "HTTP 502");
}

TEST(Notifier, ClientErrorsAreNotRetried) {
  Script script;
  script.responses = {status(404)};
  Notifier sender = notifier(settings(), script);
  const auto deliveries = sender.send(failure());
  EXPECT_FALSE(deliveries[0].delivered);
  EXPECT_EQ(deliveries[0].attempts, 1);
  EXPECT_EQ(deliveries[0].error, "HTTP 404");
}

TEST(Notifier, TransferFailuresAreRetriedAndTheirTextMasked) {
  Script script;
  HttpResponse refused;
  refused.error = "Failed to connect to http://127.0.0.1:9/hook/T0/SECRETPART";
  script.responses = {refused};
  NotifySettings with = settings();
  with.retries = 1;
  Notifier sender = notifier(with, script);
  const auto deliveries = sender.send(failure());
  EXPECT_EQ(deliveries[0].attempts, 2);
  EXPECT_EQ(deliveries[0].error, "Failed to connect to ****");
}

TEST(Notifier, ASilentServerIsBoundedByTheDeadline) {
  Script script;
  script.hang = true;
  NotifySettings with = settings();
  with.timeout = 0.4;
  with.retries = 10;
  with.deadline = 1;
  with.webhooks.push_back("http://127.0.0.1:9/second/SECRETPART2");
  Notifier sender = notifier(with, script);
  const auto start = std::chrono::steady_clock::now();
  const auto deliveries = sender.send(failure());
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_LT(seconds, 1.3);
  EXPECT_GE(seconds, 0.9);
  ASSERT_EQ(deliveries.size(), 2u);  // both silent, tried at once, both within the deadline
  for (const auto& delivery : deliveries) {
    EXPECT_FALSE(delivery.delivered);
    EXPECT_GE(delivery.attempts, 2);
    EXPECT_EQ(delivery.error.rfind("notify.deadline (1 s) reached; last: ", 0), 0u)
        << delivery.error;
  }
  for (const auto& request : script.requests) EXPECT_LE(request.timeout, 0.4);
}

// A silent webhook (a dead Teams connector) does not starve the one after it: each is tried at
// once with the whole deadline, so the healthy one is delivered in its first attempt.
TEST(Notifier, ASilentWebhookDoesNotStarveTheNext) {
  Script script;
  script.hang = true;
  script.hang_only = "/silent/";
  script.responses = {status(200)};
  NotifySettings with = settings();
  with.webhooks = {"http://127.0.0.1:9/silent/SECRETPART", "http://127.0.0.1:9/ok/SECRETPART2"};
  with.timeout = 5;
  with.deadline = 1;
  Notifier sender = notifier(with, script);
  const auto start = std::chrono::steady_clock::now();
  const auto deliveries = sender.send(failure());
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_LT(seconds, 1.3);
  ASSERT_EQ(deliveries.size(), 2u);
  EXPECT_FALSE(deliveries[0].delivered);
  EXPECT_TRUE(deliveries[1].delivered) << deliveries[1].error;
  EXPECT_EQ(deliveries[1].attempts, 1);
  EXPECT_EQ(deliveries[1].status, 200);
}

TEST(Notifier, AClientThatCannotOpenIsAWarningNotAnError) {
  Notifier sender(settings(), []() -> std::unique_ptr<HttpClient> {
    throw ConfigError("cannot load libcurl.so.4 (install libcurl4)");
  });
  std::vector<Delivery> deliveries;
  EXPECT_NO_THROW(deliveries = sender.send(failure()));
  ASSERT_EQ(deliveries.size(), 1u);
  EXPECT_FALSE(deliveries[0].delivered);
  EXPECT_EQ(deliveries[0].error, "cannot load libcurl.so.4 (install libcurl4)");
}

TEST(Notifier, TheWebhookIsASecretOnceConfigured) {
  clear_secrets();
  Script script;
  script.responses = {status(200)};
  notifier(settings(), script);
  EXPECT_EQ(mask_secrets("posting to http://127.0.0.1:9/hook/T0/SECRETPART failed"),
            "posting to **** failed");
}

TEST(NotifySettingsKeys, UnknownEventIsAConfigErrorWithASuggestion) {
  auto validate = [](const std::string& yaml) {
    return testing::error_text<ConfigError>(
        [&] { validate_against_schema(parse_yaml(yaml, "w.yaml")); });
  };
  EXPECT_EQ(validate("notify: {on: [failure, promote]}\n"),
            "w.yaml:1:10: key 'notify.on': expected items among failure, contract_failed, drift, "
            "promoted, rolled_back, got 'promote' (did you mean 'promoted'?)");
  EXPECT_EQ(validate("notify: {timeout: 0}\n"),
            "w.yaml:1:10: key 'notify.timeout': must be above 0 and below 600, got '0'");
  EXPECT_EQ(validate("notify: {on: [failure, drift], webhooks: [a], deadline: 3}\n"),
            "no error of the expected type");
}

}  // namespace
}  // namespace notifier_test
}  // namespace mlops

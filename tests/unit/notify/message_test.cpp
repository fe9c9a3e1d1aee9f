#include "mlops/notify/message.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

namespace mlops {
namespace {

NotifyEvent promoted() {
  NotifyEvent event;
  event.kind = "promoted";
  event.summary = "flights v3 is the new champion (promotion gate)";
  event.detail = "auc 0.91 beats the champion's 0.89 by 0.02";
  event.workflow = "flight-delay";
  event.env = "prod";
  event.run_id = "20261207T060721Z-flight-delay-e965";
  event.stage = "train";
  event.model = "flights";
  event.version = "v3";
  event.previous_version = "v2";
  event.metric = NotifyMetric{"auc", 0.91234};
  event.report = "runs/20261207T060721Z-flight-delay-e965/report/report.html";
  event.link = "https://github.com/o/r/actions/runs/42";
  event.fields.emplace_back("Previous metric", "0.89");
  return event;
}

std::vector<std::string> field_texts(const nlohmann::json& body) {
  std::vector<std::string> out;
  for (const auto& block : body["blocks"]) {
    if (!block.contains("fields")) continue;
    for (const auto& field : block["fields"]) out.push_back(field["text"]);
  }
  return out;
}

TEST(NotifyMessage, TextCarriesEveryFactForReceiversThatShowOnlyIt) {
  const nlohmann::json body = notification_body(promoted());
  EXPECT_EQ(body["text"],
            "mlops promoted: flight-delay (prod)\n"
            "flights v3 is the new champion (promotion gate)\n"
            "Workflow: flight-delay | Environment: prod | Run: 20261207T060721Z-flight-delay-e965 "
            "| Stage: train | Model: flights v3 | Previous: v2 | Metric: auc = 0.9123 | Previous "
            "metric: 0.89\n"
            "auc 0.91 beats the champion's 0.89 by 0.02\n"
            "report: runs/20261207T060721Z-flight-delay-e965/report/report.html\n"
            "https://github.com/o/r/actions/runs/42");
}

TEST(NotifyMessage, BlocksAreSlackHeaderSummaryFieldsDetailContext) {
  const nlohmann::json body = notification_body(promoted());
  const auto& blocks = body["blocks"];
  ASSERT_EQ(blocks.size(), 5u);
  EXPECT_EQ(blocks[0]["type"], "header");
  EXPECT_EQ(blocks[0]["text"]["type"], "plain_text");
  EXPECT_EQ(blocks[0]["text"]["text"], "mlops promoted: flight-delay (prod)");
  EXPECT_EQ(blocks[1]["text"]["text"], "flights v3 is the new champion (promotion gate)");
  EXPECT_EQ(field_texts(body), (std::vector<std::string>{
                                   "*Workflow*\nflight-delay", "*Environment*\nprod",
                                   "*Event*\npromoted", "*Run*\n20261207T060721Z-flight-delay-e965",
                                   "*Stage*\ntrain", "*Model*\nflights v3", "*Previous*\nv2",
                                   "*Metric*\nauc = 0.9123", "*Previous metric*\n0.89"}));
  EXPECT_EQ(blocks[3]["text"]["text"], "```auc 0.91 beats the champion's 0.89 by 0.02```");
  EXPECT_EQ(blocks[4]["type"], "context");
  EXPECT_EQ(blocks[4]["elements"][0]["text"],
            "report: runs/20261207T060721Z-flight-delay-e965/report/report.html");
  EXPECT_EQ(blocks[4]["elements"][1]["text"], "https://github.com/o/r/actions/runs/42");
}

TEST(NotifyMessage, MlopsObjectHoldsTheEventForParsers) {
  const nlohmann::json data = notification_body(promoted())["mlops"];
  EXPECT_EQ(data["event"], "promoted");
  EXPECT_EQ(data["workflow"], "flight-delay");
  EXPECT_EQ(data["env"], "prod");
  EXPECT_EQ(data["run_id"], "20261207T060721Z-flight-delay-e965");
  EXPECT_EQ(data["version"], "v3");
  EXPECT_EQ(data["previous_version"], "v2");
  EXPECT_EQ(data["metric"]["name"], "auc");
  EXPECT_DOUBLE_EQ(data["metric"]["value"].get<double>(), 0.91234);
  EXPECT_EQ(data["fields"]["Previous metric"], "0.89");
}

TEST(NotifyMessage, EmptyFactsAreLeftOut) {
  NotifyEvent event;
  event.kind = "rolled_back";
  event.summary = "flights champion rolled back from v3 to v2";
  event.model = "flights";
  const nlohmann::json body = notification_body(event);
  EXPECT_EQ(body["text"],
            "mlops rolled_back: flights\nflights champion rolled back from v3 to v2\n"
            "Model: flights");
  EXPECT_EQ(field_texts(body),
            (std::vector<std::string>{"*Event*\nrolled_back", "*Model*\nflights"}));
  ASSERT_EQ(body["blocks"].size(), 3u);  // no detail, no context
  EXPECT_TRUE(body["mlops"]["metric"].is_null());
}

TEST(NotifyMessage, LongTextsAreCutToSlackLimitsOnCharacterBoundaries) {
  NotifyEvent event = promoted();
  event.workflow = std::string(200, 'w');
  event.detail.clear();
  for (int i = 0; i < 2000; ++i) event.detail += "é";  // 2 bytes each
  for (int i = 0; i < 12; ++i) event.fields.emplace_back(fmt::format("f{}", i), "x");
  const nlohmann::json body = notification_body(event);
  const std::string header = body["blocks"][0]["text"]["text"];
  EXPECT_EQ(header.size(), 150u);
  EXPECT_TRUE(header.ends_with("..."));
  const std::string detail = body["blocks"][3]["text"]["text"];
  EXPECT_LE(detail.size(), 3000u);
  EXPECT_TRUE(detail.ends_with("...```"));
  // Cut between two-byte characters, never inside one: the JSON serializes (valid UTF-8).
  EXPECT_NO_THROW(body.dump());
  EXPECT_EQ(body["blocks"][2]["fields"].size(), 10u);  // Slack's most fields per section
}

TEST(NotifyMessage, MaskedWebhookShowsOnlySchemeAndHost) {
  EXPECT_EQ(masked_webhook("https://hooks.slack.com/services/T000/B000/XXXXSECRET"),
            "https://hooks.slack.com/****");
  EXPECT_EQ(masked_webhook("http://127.0.0.1:8080/hook?token=abc"), "http://127.0.0.1:8080/****");
  EXPECT_EQ(masked_webhook("https://user:pass@example.com/x"), "https://example.com/****");
  EXPECT_EQ(masked_webhook("https://example.com"), "https://example.com/****");
  EXPECT_EQ(masked_webhook("not a url/secret"), "****");
}

}  // namespace
}  // namespace mlops

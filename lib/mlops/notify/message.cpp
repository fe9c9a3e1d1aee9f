#include "mlops/notify/message.h"

#include <fmt/format.h>

namespace mlops {

namespace {

// Slack's limits: a header's text, a section's text, a field's text, fields per section.
constexpr size_t kHeaderLimit = 150;
constexpr size_t kSectionLimit = 3000;
constexpr size_t kFieldLimit = 2000;
constexpr size_t kMaxFields = 10;

// `text` within `limit` bytes: cut before a UTF-8 character that would cross it, then "...".
std::string cut(std::string_view text, size_t limit) {
  if (text.size() <= limit) return std::string(text);
  size_t end = limit - 3;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return fmt::format("{}...", text.substr(0, end));
}

std::string metric_text(const NotifyMetric& metric) {
  return fmt::format("{} = {:.4g}", metric.name, metric.value);
}

std::string model_text(const NotifyEvent& event) {
  if (event.model.empty()) return "";
  return event.version.empty() ? event.model : fmt::format("{} {}", event.model, event.version);
}

// The facts of the event as (name, value), the empty ones left out.
std::vector<std::pair<std::string, std::string>> facts(const NotifyEvent& event) {
  std::vector<std::pair<std::string, std::string>> out;
  auto add = [&out](std::string name, std::string value) {
    if (!value.empty()) out.emplace_back(std::move(name), std::move(value));
  };
  add("Workflow", event.workflow);
  add("Environment", event.env);
  add("Event", event.kind);
  add("Run", event.run_id);
  add("Stage", event.stage);
  add("Model", model_text(event));
  add("Previous", event.previous_version);
  if (event.metric) add("Metric", metric_text(*event.metric));
  for (const auto& [name, value] : event.fields) add(name, value);
  return out;
}

nlohmann::json mrkdwn(std::string text) {
  return {{"type", "mrkdwn"}, {"text", std::move(text)}};
}

}  // namespace

std::string notification_title(const NotifyEvent& event) {
  const std::string& subject = event.workflow.empty() ? event.model : event.workflow;
  return event.env.empty() ? fmt::format("mlops {}: {}", event.kind, subject)
                           : fmt::format("mlops {}: {} ({})", event.kind, subject, event.env);
}

nlohmann::json notification_body(const NotifyEvent& event) {
  const auto shown = facts(event);
  // The text is the whole message for receivers that show only it (Mattermost, Teams).
  std::string text = fmt::format("{}\n{}", notification_title(event), event.summary);
  std::string line;
  for (const auto& [name, value] : shown) {
    if (name == "Event") continue;  // in the title
    line += fmt::format("{}{}: {}", line.empty() ? "" : " | ", name, value);
  }
  if (!line.empty()) text += fmt::format("\n{}", line);
  if (!event.detail.empty()) text += fmt::format("\n{}", cut(event.detail, 1000));
  if (!event.report.empty()) text += fmt::format("\nreport: {}", event.report);
  if (!event.link.empty()) text += fmt::format("\n{}", event.link);

  nlohmann::json blocks = nlohmann::json::array();
  blocks.push_back({{"type", "header"},
                    {"text",
                     {{"type", "plain_text"},
                      {"text", cut(notification_title(event), kHeaderLimit)},
                      {"emoji", false}}}});
  blocks.push_back({{"type", "section"}, {"text", mrkdwn(cut(event.summary, kSectionLimit))}});
  nlohmann::json fields = nlohmann::json::array();
  for (const auto& [name, value] : shown) {
    if (fields.size() == kMaxFields) break;
    fields.push_back(mrkdwn(cut(fmt::format("*{}*\n{}", name, value), kFieldLimit)));
  }
  if (!fields.empty()) blocks.push_back({{"type", "section"}, {"fields", fields}});
  if (!event.detail.empty()) {
    blocks.push_back(
        {{"type", "section"},
         {"text", mrkdwn(fmt::format("```{}```", cut(event.detail, kSectionLimit - 6)))}});
  }
  nlohmann::json context = nlohmann::json::array();
  if (!event.report.empty())
    context.push_back(mrkdwn(cut(fmt::format("report: {}", event.report), kFieldLimit)));
  if (!event.link.empty()) context.push_back(mrkdwn(cut(event.link, kFieldLimit)));
  if (!context.empty()) blocks.push_back({{"type", "context"}, {"elements", context}});

  nlohmann::json data{{"event", event.kind},
                      {"summary", event.summary},
                      {"workflow", event.workflow},
                      {"env", event.env},
                      {"run_id", event.run_id},
                      {"stage", event.stage},
                      {"model", event.model},
                      {"version", event.version},
                      {"previous_version", event.previous_version},
                      {"report", event.report},
                      {"link", event.link},
                      {"detail", event.detail}};
  data["metric"] =
      event.metric ? nlohmann::json{{"name", event.metric->name}, {"value", event.metric->value}}
                   : nlohmann::json(nullptr);
  nlohmann::json extra = nlohmann::json::object();
  for (const auto& [name, value] : event.fields) extra[name] = value;
  data["fields"] = extra;
  return {{"text", text}, {"blocks", blocks}, {"mlops", data}};
}

std::string masked_webhook(std::string_view url) {
  const size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos || scheme_end == 0) return "****";
  size_t host_start = scheme_end + 3;
  size_t host_end = url.find_first_of("/?#", host_start);
  if (host_end == std::string_view::npos) host_end = url.size();
  // user:password@host: only the host is shown.
  const size_t at = url.substr(host_start, host_end - host_start).rfind('@');
  if (at != std::string_view::npos) host_start += at + 1;
  return fmt::format("{}://{}/****", url.substr(0, scheme_end),
                     url.substr(host_start, host_end - host_start));
}

}  // namespace mlops

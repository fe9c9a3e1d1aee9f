#pragma once
// The JSON body POSTed to a webhook: Slack's incoming-webhook shape (`text`, shown by Slack in
// notifications and by Mattermost and Teams as the message, and `blocks`, Slack's rich layout),
// plus an `mlops` object with the event's fields for receivers that parse it.

#include <nlohmann/json.hpp>
#include <string>

#include "mlops/notify/event.h"

namespace mlops {

/// The body for `event`: {"text", "blocks": [header, summary, fields, detail?, context],
/// "mlops": {event, workflow, env, run_id, stage, model, version, previous_version, metric,
/// report, link, summary, detail}}. Texts are cut to Slack's limits; nothing is masked here
/// (notifier.h masks the serialized body).
nlohmann::json notification_body(const NotifyEvent& event);

/// The one-line headline of `event`: "mlops <kind>: <workflow or model> (<env>)".
std::string notification_title(const NotifyEvent& event);

/// A webhook URL as logs may show it: "scheme://host[:port]/****" (the path, query and any
/// user info are the secret); "****" when it is not a URL.
std::string masked_webhook(std::string_view url);

}  // namespace mlops

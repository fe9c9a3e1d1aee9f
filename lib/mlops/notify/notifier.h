#pragma once
// Sending an event to every configured webhook: POST of the Slack-compatible body, retried
// with backoff on 408/429/5xx and transfer failures, each attempt under notify.timeout and the
// whole event under notify.deadline. A failure is logged as a warning and never thrown: a
// notification never fails a command, nor holds it beyond the deadline.

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "mlops/config/workflow.h"
#include "mlops/net/http_client.h"
#include "mlops/notify/event.h"

namespace mlops {

/// What happened to one webhook of one event.
struct Delivery {
  std::string webhook;  // masked (masked_webhook)
  bool delivered = false;
  int attempts = 0;
  long status = 0;     // the last answer's status; 0 when none arrived
  std::string error;   // why it was not delivered (masked); empty when delivered
  double seconds = 0;  // spent on this webhook, waits included
};

using HttpClientFactory = std::function<std::unique_ptr<HttpClient>()>;

class Notifier {
 public:
  /// `make_client` opens an HTTP client for each webhook of each event sent (default libcurl).
  explicit Notifier(NotifySettings settings, HttpClientFactory make_client = make_curl_client);

  /// True when `kind` is listed in notify.on and a webhook is configured.
  bool wants(std::string_view kind) const;

  /// Sends `event` to every webhook when wanted (else returns nothing), all at once, each within
  /// notify.deadline; logs each outcome (info when delivered, warning when not) in the order of
  /// notify.webhooks. Never throws.
  std::vector<Delivery> send(const NotifyEvent& event) noexcept;

 private:
  // One webhook on a client of its own, within `budget` seconds from now (thread-safe).
  Delivery deliver(const std::string& url, const std::string& body, double budget);

  NotifySettings settings_;
  HttpClientFactory make_client_;
};

/// Notifier(settings).send(event): the one call a command makes for an event.
void send_notification(const NotifySettings& settings, const NotifyEvent& event) noexcept;

}  // namespace mlops

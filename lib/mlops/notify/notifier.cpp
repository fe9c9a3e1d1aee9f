#include "mlops/notify/notifier.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <system_error>
#include <thread>

#include "mlops/core/log.h"
#include "mlops/core/secret_mask.h"
#include "mlops/net/retry.h"
#include "mlops/notify/message.h"

namespace mlops {

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

double seconds_until(double deadline_at, Clock::time_point epoch) {
  return deadline_at - seconds_since(epoch);
}

// Shortest attempt worth starting: below it the deadline is spent.
constexpr double kMinAttempt = 0.05;

}  // namespace

Notifier::Notifier(NotifySettings settings, HttpClientFactory make_client)
    : settings_(std::move(settings)), make_client_(std::move(make_client)) {
  for (const auto& url : settings_.webhooks) register_secret(url);
}

bool Notifier::wants(std::string_view kind) const {
  return !settings_.webhooks.empty() &&
         std::find(settings_.on.begin(), settings_.on.end(), kind) != settings_.on.end();
}

std::vector<Delivery> Notifier::send(const NotifyEvent& event) noexcept {
  std::vector<Delivery> deliveries;
  try {
    if (!wants(event.kind)) return deliveries;
    // Masked once, serialized: a secret that reached an error message never leaves.
    const std::string body = mask_secrets(notification_body(event).dump());
    // Every webhook at once, each with its own client and the whole deadline: a silent one
    // (a dead Teams connector) never starves the others of their delivery.
    deliveries.resize(settings_.webhooks.size());
    const auto deliver_one = [&](size_t i) noexcept {
      const std::string& url = settings_.webhooks[i];
      Delivery& delivery = deliveries[i];
      const auto start = Clock::now();
      try {
        delivery = deliver(url, body, settings_.deadline);
      } catch (const std::exception& error) {  // libcurl missing, out of memory
        delivery.webhook = masked_webhook(url);
        delivery.error = mask_secrets(error.what());
      } catch (...) {
        delivery.webhook = masked_webhook(url);
        delivery.error = "unknown error";
      }
      delivery.seconds = seconds_since(start);
    };
    std::vector<std::thread> others;
    for (size_t i = 1; i < deliveries.size(); ++i) {
      try {
        others.emplace_back(deliver_one, i);
      } catch (const std::system_error&) {  // no thread to be had: this one in turn
        deliver_one(i);
      }
    }
    if (!deliveries.empty()) deliver_one(0);
    for (auto& thread : others) thread.join();
    for (const Delivery& delivery : deliveries) {
      if (delivery.delivered) {
        log_info(fmt::format("notify: {} sent", event.kind),
                 {{"webhook", delivery.webhook},
                  {"attempts", delivery.attempts},
                  {"status", static_cast<int64_t>(delivery.status)}});
      } else {
        log_warn(fmt::format("notify: {} not delivered (the command goes on)", event.kind),
                 {{"webhook", delivery.webhook},
                  {"attempts", delivery.attempts},
                  {"error", delivery.error},
                  {"seconds", delivery.seconds}});
      }
    }
  } catch (...) {
    // Logging itself failed (stderr closed): a notification never fails the command.
  }
  return deliveries;
}

Delivery Notifier::deliver(const std::string& url, const std::string& body, double budget) {
  Delivery delivery;
  delivery.webhook = masked_webhook(url);
  const auto epoch = Clock::now();
  const std::unique_ptr<HttpClient> client = make_client_();
  HttpRequest request;
  request.url = url;
  request.method = "POST";
  request.body = body;
  request.headers = {{"Content-Type", "application/json"}};
  Backoff backoff(RetryPolicy{.max_retries = settings_.retries,
                              .backoff = settings_.backoff,
                              .max_backoff = 30,
                              .budget = settings_.retries});
  for (int retries = 0;; ++retries) {
    const double remaining = seconds_until(budget, epoch);
    if (remaining < kMinAttempt) {
      delivery.error = fmt::format("notify.deadline ({} s) reached; last: {}", settings_.deadline,
                                   delivery.error.empty() ? "no attempt" : delivery.error);
      return delivery;
    }
    request.timeout = std::min(settings_.timeout, remaining);
    request.connect_timeout = request.timeout;
    ++delivery.attempts;
    const HttpResponse response = client->send(request);
    delivery.status = response.status;
    if (response.error.empty() && response.status >= 200 && response.status < 300) {
      delivery.delivered = true;
      delivery.error.clear();
      return delivery;
    }
    delivery.error = mask_secrets(response.error.empty() ? fmt::format("HTTP {}", response.status)
                                                         : response.error);
    if (!is_retryable(response) || !backoff.may_retry(retries)) return delivery;
    const double wait = backoff.next_delay(retries, response);
    if (wait + kMinAttempt > seconds_until(budget, epoch)) {
      delivery.error = fmt::format("notify.deadline ({} s) reached; last: {}", settings_.deadline,
                                   delivery.error);
      return delivery;
    }
    std::this_thread::sleep_for(std::chrono::duration<double>(wait));
  }
}

void send_notification(const NotifySettings& settings, const NotifyEvent& event) noexcept {
  try {
    Notifier notifier(settings);
    notifier.send(event);
  } catch (...) {
    // Copying the settings failed (out of memory): nothing was sent, the command goes on.
  }
}

}  // namespace mlops

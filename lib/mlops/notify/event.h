#pragma once
// What a notification is about: one event of a run or of the registry, with what a reader of a
// chat channel needs to act on it (which workflow, environment, run, model version, metric and
// where the report is).

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mlops {

/// The events `notify.on` may list, in the order docs/notifications.md describes them.
inline constexpr std::array<std::string_view, 5> kNotifyEvents = {
    "failure", "contract_failed", "drift", "promoted", "rolled_back"};

struct NotifyMetric {
  std::string name;  // e.g. "auc", "psi(distance)"
  double value = 0;
};

struct NotifyEvent {
  std::string kind;      // one of kNotifyEvents
  std::string summary;   // one line: what happened
  std::string detail;    // the error, the gate's reason, the drifted features; may be empty
  std::string workflow;  // empty for a registry command run without --workflow
  std::string env;
  std::string run_id;  // empty for a registry command
  std::string stage;   // the stage that failed or measured, when one did
  std::string model;
  std::string version;           // "v3"; empty when unknown
  std::string previous_version;  // "v2"; empty when none
  std::optional<NotifyMetric> metric;
  std::string report;  // path of the run's report (or run folder)
  std::string link;    // notify.link, when set
  /// Further facts shown as fields (name, value), after the standard ones.
  std::vector<std::pair<std::string, std::string>> fields;
};

}  // namespace mlops

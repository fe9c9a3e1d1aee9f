// `mlops evaluate --labels FILE`: joins labels that arrived after scoring with the logged
// predictions (batch-predict's and `mlops serve`'s) and records live metrics per model version
// and time window.

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "commands.h"
#include "front_door.h"
#include "mlops/predict/live_metrics.h"
#include "options.h"

namespace mlops::cli {

namespace {

struct EvaluateOptions {
  CommonOptions common;
  std::string labels;
  std::string window;
  std::string format = "text";
};

void evaluate_command(const EvaluateOptions& options) {
  const CommandConfig config = load_command_config(options.common, ConfigScope::kOneWorkflow);
  const Workflow& workflow = config.workflows.front();
  const std::string window = options.window.empty() ? workflow.evaluation.window : options.window;
  const LiveEvaluation result = evaluate_labels(workflow, options.labels, window);
  if (options.format == "json") {
    nlohmann::json out{{"model", workflow.registry.model},
                       {"labels_read", result.labels_read},
                       {"labels_matched", result.labels_matched},
                       {"joined", result.joined},
                       {"joined_online", result.joined_online},
                       {"joined_batch", result.joined_batch},
                       {"metrics", live_metrics_json(result.metrics)}};
    fmt::print("{}\n", out.dump(2));
    return;
  }
  fmt::print(
      "{}: {} labels read; {} stored labels match logged predictions; {} predictions "
      "evaluated ({} served online, {} from batch runs)\n",
      workflow.registry.model, result.labels_read, result.labels_matched, result.joined,
      result.joined_online, result.joined_batch);
  fmt::print("{}", format_live_metrics(result.metrics));
}

}  // namespace

void setup_evaluate(CLI::App& command) {
  auto options = std::make_shared<EvaluateOptions>();
  add_common_options(command, options->common);
  command.add_option("--labels", options->labels, "Labels file (id columns and the label)")
      ->required()
      ->check(CLI::ExistingFile);
  command.add_option("--window", options->window, "Window of scored_at: 1h, 1d, 7d or 30d")
      ->check(CLI::IsMember({"1h", "1d", "7d", "30d"}));
  command.add_option("--format", options->format, "text or json")
      ->check(CLI::IsMember({"text", "json"}));
  command.callback([options] { evaluate_command(*options); });
}

}  // namespace mlops::cli

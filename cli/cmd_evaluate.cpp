// `mlops evaluate --labels FILE`: joins labels that arrived after scoring with the logged
// predictions and records live metrics per model version and time window.

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "commands.h"
#include "mlops/pipeline/live_evaluation.h"
#include "mlops/pipeline/workflow_check.h"
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
  Workflow workflow = load_checked_workflow(to_load_options(options.common));
  configure_logging(workflow.settings.log_format, workflow.settings.log_level);
  const std::string window = options.window.empty() ? workflow.evaluation.window : options.window;
  const LiveEvaluation result = evaluate_labels(workflow, options.labels, window);
  if (options.format == "json") {
    nlohmann::json out{{"model", workflow.registry.model},
                       {"labels_read", result.labels_read},
                       {"labels_matched", result.labels_matched},
                       {"joined", result.joined},
                       {"metrics", live_metrics_json(result.metrics)}};
    fmt::print("{}\n", out.dump(2));
    return;
  }
  fmt::print(
      "{}: {} labels read; {} stored labels match logged predictions; {} predictions "
      "evaluated\n",
      workflow.registry.model, result.labels_read, result.labels_matched, result.joined);
  fmt::print("{}", format_live_metrics(result.metrics));
}

}  // namespace

void setup_evaluate(CLI::App& app) {
  auto options = std::make_shared<EvaluateOptions>();
  CLI::App* command = app.add_subcommand(
      "evaluate",
      "Join labels that arrived after scoring with logged predictions; record live metrics");
  add_common_options(*command, options->common);
  command->add_option("--labels", options->labels, "Labels file (id columns and the label)")
      ->required()
      ->check(CLI::ExistingFile);
  command->add_option("--window", options->window, "Window of scored_at: 1h, 1d, 7d or 30d")
      ->check(CLI::IsMember({"1h", "1d", "7d", "30d"}));
  command->add_option("--format", options->format, "text or json")
      ->check(CLI::IsMember({"text", "json"}));
  command->callback([options] { evaluate_command(*options); });
}

}  // namespace mlops::cli

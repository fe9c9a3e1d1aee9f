#include "mlops/core/secret_mask.h"
#include "mlops/io/file.h"
#include "mlops/pipeline/stages.h"
#include "mlops/predict/live_metrics.h"
#include "mlops/report/report_content.h"
#include "mlops/report/report_render.h"
#include "mlops/store/open_stores.h"

namespace mlops {

StageRecord run_report_stage(RunContext& run) {
  const RunPaths& paths = run.paths();
  const Workflow& workflow = run.workflow();
  const std::string title =
      workflow.report.title.empty() ? workflow.name + " run report" : workflow.report.title;
  // One content, three renderings: the page, a CI summary, and the same content as data.
  ReportInputs inputs = load_report_inputs(paths.root, run.manifest());
  // Live metrics span runs: they come from the evaluation store, not the run folder.
  inputs.live_metrics = live_metrics_json(
      open_evaluation_store(workflow.settings)->live_metrics(workflow.registry.model));
  const nlohmann::json content = build_report_content(inputs, title);
  // Source URLs and config values reach the report: masked like every other writer.
  const std::string html = mask_secrets(render_report_html(content));
  const std::string markdown = mask_secrets(render_report_markdown(content));
  const std::string json =
      mask_secrets(content.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
  write_file_atomic(paths.report(), html);
  write_file_atomic(paths.report_markdown(), markdown);
  write_file_atomic(paths.report_json(), json);

  StageRecord record;
  record.inputs = {paths.manifest()};
  record.inputs.insert(record.inputs.end(), inputs.files.begin(), inputs.files.end());
  record.outputs = {paths.report(), paths.report_markdown(), paths.report_json()};
  record.details = {{"html_bytes", html.size()},
                    {"markdown_bytes", markdown.size()},
                    {"json_bytes", json.size()}};
  return record;
}

}  // namespace mlops

#include "mlops/io/file.h"
#include "mlops/pipeline/stages.h"
#include "mlops/report/run_report.h"

namespace mlops {

StageRecord run_report_stage(RunContext& run) {
  const RunPaths& paths = run.paths();
  const Workflow& workflow = run.workflow();
  const std::string title =
      workflow.report.title.empty() ? workflow.name + " run report" : workflow.report.title;
  const std::string html = render_run_report(run.manifest(), title);
  write_file_atomic(paths.report(), html);

  StageRecord record;
  record.inputs = {paths.manifest()};
  record.outputs = {paths.report()};
  record.details = {{"bytes", html.size()}};
  return record;
}

}  // namespace mlops

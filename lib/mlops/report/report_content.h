#pragma once
// The report as data: built once from a run's summaries, then rendered as HTML, Markdown or
// JSON, so the three formats always say the same thing. Long series are thinned here (curves
// to a few hundred points, scatter plots to 1,000) and wide tables capped, which keeps every
// format small whatever the size of the data.

#include <nlohmann/json.hpp>
#include <string>

#include "mlops/report/report_inputs.h"

namespace mlops {

/// Most points kept per curve and per scatter plot.
inline constexpr size_t kReportCurvePoints = 400;
inline constexpr size_t kReportScatterPoints = 1000;
/// Most rows kept in the data profile, drift and importance sections.
inline constexpr size_t kReportProfileColumns = 200;
inline constexpr size_t kReportImportance = 25;

/// {"format": "mlops.report/1", "title", "run", "stages", "contracts", "model", "registry",
/// "curve", "evaluation", "importance", "data_profile", "drift", "live"}; a section whose input is
/// absent is null. Tolerates inputs of unexpected shape by leaving out what does not fit.
nlohmann::json build_report_content(const ReportInputs& inputs, const std::string& title);

/// True for metrics where smaller is better (logloss, rmse, mae, ...). report/ does not
/// depend on model/, whose evaluate.h has the same list the other way round.
bool lower_is_better(const std::string& metric);

}  // namespace mlops

#include "mlops/report/report_inputs.h"

#include "mlops/core/error.h"
#include "mlops/io/file.h"

namespace mlops {

ReportInputs load_report_inputs(const std::string& root, const nlohmann::json& manifest) {
  ReportInputs inputs;
  inputs.manifest = read_run_manifest(manifest);
  const std::pair<const char*, nlohmann::json*> files[] = {
      {"ingest/profile.json", &inputs.data_profile}, {"train/metrics.json", &inputs.metrics},
      {"train/curve.json", &inputs.curve},           {"train/evaluation.json", &inputs.evaluation},
      {"train/importance.json", &inputs.importance}, {"predict/drift.json", &inputs.drift}};
  for (const auto& [name, target] : files) {
    const std::string path = root + "/" + name;
    if (!path_exists(path)) continue;
    try {
      *target = nlohmann::json::parse(read_file(path));
    } catch (const nlohmann::json::exception& e) {
      throw DataError("{}: not JSON: {}", path, e.what());
    }
    inputs.files.push_back(path);
  }
  return inputs;
}

}  // namespace mlops

#include "mlops/feature_store/latest_output.h"

#include <filesystem>
#include <nlohmann/json.hpp>
#include <tuple>

#include "mlops/core/run_manifest.h"
#include "mlops/io/file.h"

namespace mlops {

std::optional<StageOutput> latest_stage_output(const std::string& runs_dir,
                                               const std::string& workflow, Stage stage) {
  namespace fs = std::filesystem;
  std::optional<StageOutput> best;
  std::tuple<std::string, int64_t, std::string> best_order;
  std::error_code error;
  if (!fs::is_directory(runs_dir, error)) return std::nullopt;
  for (const auto& entry : fs::directory_iterator(runs_dir, error)) {
    const fs::path manifest_path = entry.path() / "manifest.json";
    if (!entry.is_directory(error) || !fs::exists(manifest_path, error)) continue;
    RunManifest manifest;
    try {
      manifest = read_run_manifest(nlohmann::json::parse(read_file(manifest_path.string())));
    } catch (const std::exception&) {
      continue;
    }
    if (manifest.workflow != workflow) continue;
    const StageManifest* entry_stage = manifest.stage(stage);
    if (!entry_stage || entry_stage->status != "ok") continue;
    const std::string run_id = entry.path().filename().string();
    auto order = std::make_tuple(entry_stage->finished_at.value_or(""),
                                 manifest.started_at_us.value_or(0), run_id);
    if (best && order <= best_order) continue;
    StageOutput output{.run_id = run_id, .finished_at = std::get<0>(order), .files = {}};
    // Paths as this process sees them: the run folder may have been written from another cwd.
    const fs::path stage_dir = entry.path() / std::string(stage_name(stage));
    for (const ManifestFile& file : entry_stage->outputs) {
      if (file.path) output.files.push_back((stage_dir / fs::path(*file.path).filename()).string());
    }
    best = std::move(output);
    best_order = std::move(order);
  }
  return best;
}

}  // namespace mlops

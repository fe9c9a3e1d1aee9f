// The YAML config loader (config/) on any bytes as a workflow file: load_config (YAML, merge
// over the built-in defaults, ${VAR} interpolation, key checks), then the typed workflow and
// the YAML written back for `config show`.

#include <cstdio>
#include <string>

#include "fuzz_support.h"
#include "mlops/config/loader.h"
#include "mlops/config/workflow.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const mlops::fuzz::InputFile file(".yaml");
  file.write(mlops::fuzz::as_text(data, size));

  mlops::LoadOptions options;
  options.config_dir = "/nonexistent/mlops-fuzz-configs";
  options.workflow_path = file.path();
  options.getenv = [](const std::string& name) -> std::optional<std::string> {
    if (name == "HOME") return "/home/fuzz";
    if (name == "API_TOKEN") return "s3cret";
    return std::nullopt;
  };
  mlops::fuzz::expect_typed_errors([&] {
    mlops::ConfigNode tree = mlops::load_config(options);
    (void)mlops::to_yaml(tree, true, true);
    mlops::Workflow workflow = mlops::build_workflow(tree, "local");
    (void)mlops::to_yaml(workflow.tree, true, false);
  });
  return 0;
}

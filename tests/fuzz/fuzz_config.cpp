// The YAML config loader (config/) on any bytes as a workflow file: load_config (YAML, merge
// over the built-in defaults, ${VAR} interpolation, key checks), then the typed workflow and
// the YAML written back for `config show`.

#include <unistd.h>

#include <cstdio>
#include <string>

#include "fuzz_support.h"
#include "mlops/config/loader.h"
#include "mlops/config/workflow.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::string path = "/tmp/mlops-fuzz-config-" + std::to_string(getpid()) + ".yaml";
  std::FILE* file = std::fopen(path.c_str(), "wb");
  if (!file) std::abort();
  if (size > 0 && std::fwrite(data, 1, size, file) != size) std::abort();
  std::fclose(file);

  mlops::LoadOptions options;
  options.config_dir = "/nonexistent/mlops-fuzz-configs";
  options.workflow_path = path;
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

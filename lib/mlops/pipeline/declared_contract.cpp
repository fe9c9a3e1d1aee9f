#include "mlops/pipeline/stages.h"

namespace mlops {

void check_declared_contract(const RunContext& run, Stage stage, const Table& table,
                             StageRecord& record) {
  const std::string name(stage_name(stage));
  auto it = run.workflow().contracts.find(name);
  if (it == run.workflow().contracts.end()) return;
  record.contracts.push_back(check_contract(load_contract(it->second, name), table, name));
}

}  // namespace mlops

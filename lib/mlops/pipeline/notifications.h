#pragma once
// The events a run and the registry commands notify (notify/, docs/notifications.md), built
// from where they happen: a failed stage (its contract, or any other error), the drift
// batch-predict measured, the gate's promotion, `mlops models promote` and `rollback`. Each
// sends nothing unless notify.on lists the event, and never throws.

#include <optional>
#include <string>

#include "mlops/config/workflow.h"
#include "mlops/core/error.h"
#include "mlops/core/stage.h"
#include "mlops/notify/event.h"
#include "mlops/store/registry.h"

namespace mlops {

class RunContext;
struct StageRecord;

/// The event of `kind` in `run`, with its workflow, env, run id, model and report path.
NotifyEvent run_event(const RunContext& run, std::string kind);

/// `stage` failed with `error`: `contract_failed` for a ContractError, `failure` otherwise.
void notify_stage_failed(const RunContext& run, Stage stage, const Error& error) noexcept;

/// A run could not be started or opened (the tracking store cannot be reached or refuses the
/// password, no run has the stage's input): `failure`, without a run id or folder, naming
/// `stage` when a stage command was asked for, else the whole run. Nothing for a BusyError
/// (another process holds the workflow: a refused run is no failure).
void notify_run_not_started(const Workflow& workflow, std::optional<Stage> stage,
                            const Error& error) noexcept;

/// What a finished stage's record says happened: `promoted` when train's gate made the new
/// version champion, `drift` when batch-predict's drift.json has a feature with status `drift`
/// (PSI >= 0.25).
void notify_stage_events(const RunContext& run, Stage stage, const StageRecord& record) noexcept;

/// `mlops models promote` (`promoted`) or `rollback` (`rolled_back`) changed `change.alias`.
void notify_alias_change(const Settings& settings, const std::string& workflow,
                         const AliasChange& change) noexcept;

}  // namespace mlops

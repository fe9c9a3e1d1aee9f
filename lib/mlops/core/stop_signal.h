#pragma once
// A graceful stop for long-running commands (`mlops ingest --follow`, `mlops serve`): SIGTERM or
// SIGINT only sets an atomic flag, which the command's loop reads between batches; the batch in
// hand is finished and the process exits normally.

namespace mlops {

/// Installs the SIGTERM and SIGINT handlers (idempotent). The handler does nothing but set
/// the flag, so it is async-signal-safe.
void install_stop_handlers();
/// True once SIGTERM or SIGINT arrived (or request_stop() was called).
bool stop_requested();
/// Sets the flag as a signal would (tests, and a command that wants its loop to end).
void request_stop();

/// Installs the SIGHUP handler (idempotent): it only sets a second flag, "reload now", which
/// `mlops serve` reads to look at the registry at once.
void install_reload_handler();
/// True once per SIGHUP (or request_reload()) since the last call: reading clears the flag.
bool take_reload_request();
void request_reload();

}  // namespace mlops

#pragma once
// A graceful stop for long-running commands (`mlops ingest --follow`): SIGTERM or SIGINT only
// sets an atomic flag, which the command's loop reads between batches; the batch in hand is
// finished and the process exits normally.

namespace mlops {

/// Installs the SIGTERM and SIGINT handlers (idempotent). The handler does nothing but set
/// the flag, so it is async-signal-safe.
void install_stop_handlers();
/// True once SIGTERM or SIGINT arrived (or request_stop() was called).
bool stop_requested();
/// Sets the flag as a signal would (tests, and a command that wants its loop to end).
void request_stop();

}  // namespace mlops

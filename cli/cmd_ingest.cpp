#include <fmt/format.h>
#include <fmt/ranges.h>

#include "commands.h"
#include "mlops/config/schema.h"
#include "mlops/core/stop_signal.h"
#include "stage_command.h"

namespace mlops::cli {

namespace {

// Every ingest key of the key table (the same text as `mlops config keys`), so the help can
// never drift from what the config accepts.
std::string source_options_help() {
  std::string out =
      "Sources and their options (set them in the workflow under `ingest`, or with --set):\n";
  for (const auto& key : config_keys()) {
    if (!key.path.starts_with("ingest.") || key.path == "ingest.schema" ||
        key.path == "ingest.null_values") {
      continue;
    }
    std::string facts;
    if (key.type == KeyType::kEnum) facts = fmt::format(" [{}]", fmt::join(key.choices, "|"));
    if (!key.default_value.empty()) facts += fmt::format(" (default {})", key.default_value);
    out += fmt::format("  {}{}\n      {}\n", key.path, facts, key.help);
  }
  out +=
      "\nWhat ingest keeps across runs, under <lake_dir>/<workflow>/: raw/ (every body, message "
      "and file as received, by source and date), clean/ (one typed table per `table` or kafka "
      "topic), quarantine/ (records that could not be typed, with position and reason), "
      "checkpoint.json (each source's position, committed after raw and clean). Each run reads "
      "only what is new and writes the whole `ingest.table` to the run's ingest/clean.csv.\n";
  return out;
}

}  // namespace

void setup_ingest(CLI::App& command) {
  auto options = std::make_shared<CommonOptions>();
  bind_stage_command(command, Stage::kIngest, {}, options);
  command.add_flag_callback(
      "--rebuild", [options] { options->sets.push_back("ingest.rebuild=true"); },
      "Replay the raw layer through the current schema into new clean tables and quarantine, "
      "swapped in atomically (after a schema change); the raw layer is kept as received");
  command.add_flag_callback(
      "--follow",
      [options] {
        options->sets.push_back("ingest.follow.enabled=true");
        // At once, not when the stage starts: a SIGTERM while the config loads or the online
        // views catch up (a pod stopped early) is a graceful stop too.
        install_stop_handlers();
      },
      "Kafka: run until SIGTERM/SIGINT, committing a batch when full or after "
      "ingest.follow.max_delay seconds (default 1) and pushing its rows to the workflow's "
      "online feature views before acknowledging the offsets; SIGTERM finishes the batch in "
      "hand and exits 0");
  command.footer(source_options_help);  // built only when the help is shown
}

}  // namespace mlops::cli

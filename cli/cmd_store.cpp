// `mlops store migrate|copy`: the stores as a whole. migrate brings every store's schema up to
// date (what any command does on open, made explicit for a deploy step); copy moves a SQLite
// workspace's history into PostgreSQL.

#include <fmt/format.h>

#include "commands.h"
#include "front_door.h"
#include "mlops/config/workflow.h"
#include "mlops/core/error.h"
#include "mlops/core/secret_mask.h"
#include "mlops/store/open_stores.h"
#include "mlops/store/postgres/pg_copy.h"
#include "mlops/store/store_admin.h"
#include "options.h"

namespace mlops::cli {

namespace {

struct StoreOptions {
  CommonOptions common;
  std::string from;
  std::string to;
  std::string format = "text";
};

/// The SQLite file of `--from`: sqlite:PATH, sqlite:///relative or sqlite:////absolute.
std::string sqlite_path(const std::string& from) {
  if (from.starts_with("sqlite://")) return parse_store_url(from, "store copy --from").path;
  if (from.starts_with("sqlite:") && from.size() > 7) return from.substr(7);
  throw ConfigError("store copy --from: expected sqlite:PATH (the SQLite store file)");
}

}  // namespace

void setup_store(CLI::App& store) {
  store.require_subcommand(1);
  auto options = std::make_shared<StoreOptions>();

  CLI::App* migrate = store.add_subcommand(
      "migrate", "Bring every store's schema to this mlops's version (under a lock)");
  add_common_options(*migrate, options->common);
  migrate->add_option("--format", options->format, "text or json")
      ->check(CLI::IsMember({"text", "json"}));
  migrate->callback([options] {
    const Settings settings = load_command_config(options->common, ConfigScope::kConfig).settings;
    const std::string where = store_location(settings).display();
    const std::vector<SchemaVersion> versions = migrate_stores(settings);
    if (options->format == "json") {
      nlohmann::json out = {{"store", where}, {"schema", nlohmann::json::object()}};
      for (const auto& version : versions) out["schema"][version.component] = version.version;
      fmt::print("{}\n", mask_secrets(out.dump(2)));
      return;
    }
    fmt::print("{}: schema up to date\n", mask_secrets(where));
    for (const auto& version : versions) {
      fmt::print("  {:<11} v{}\n", version.component, version.version);
    }
  });

  CLI::App* copy =
      store.add_subcommand("copy", "Copy a SQLite store's history into PostgreSQL (idempotent)");
  add_common_options(*copy, options->common);
  copy->add_option("--from", options->from, "sqlite:PATH: the SQLite store file")->required();
  copy->add_option("--to", options->to,
                   "postgresql://USER[:PASSWORD]@HOST[:PORT]/DB (password: PGPASSWORD)")
      ->required();
  copy->callback([options] {
    Settings to = load_command_config(options->common, ConfigScope::kConfig).settings;
    to.store_url = options->to;
    const StoreLocation location = parse_store_url(to.store_url, "store copy --to");
    if (location.backend != StoreBackend::kPostgres) {
      throw ConfigError("store copy --to: expected a postgresql:// URL");
    }
    const CopyCounts counts = copy_sqlite_to_postgres(sqlite_path(options->from), to);
    fmt::print(
        "copied into {}: {} runs, {} metrics, {} model versions, {} alias changes, {} "
        "predictions, {} labels, {} live metrics ({} rows already there)\n",
        location.display(), counts.runs, counts.metrics, counts.versions, counts.alias_changes,
        counts.predictions, counts.labels, counts.live_metrics, counts.already_there);
  });
}

}  // namespace mlops::cli

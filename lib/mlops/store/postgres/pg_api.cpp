#include "mlops/store/postgres/pg_api.h"

namespace mlops {

const PqApi& pq() {
  static const PqApi api = load_function_table<PqApi>(
      "libpq.so.5", "a PostgreSQL store (store.url: postgresql://...)", "libpq5",
      [](const SharedLibrary& library, PqApi& table) { MLOPS_PQ_FUNCTIONS(MLOPS_BIND_FUNCTION) });
  return api;
}

}  // namespace mlops

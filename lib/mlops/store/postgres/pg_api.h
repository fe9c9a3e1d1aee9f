#pragma once
// libpq's C API as a function table over libpq.so.5, opened on first use: only a command whose
// store is PostgreSQL loads it and its TLS, Kerberos and LDAP dependencies
// (core/shared_library.h says why). The header (libpq-dev) still gives every prototype.

#include <libpq-fe.h>

#include "mlops/core/shared_library.h"

// Every libpq function mlops calls; a new call needs its name here.
#define MLOPS_PQ_FUNCTIONS(X) \
  X(PQclear)                  \
  X(PQcmdTuples)              \
  X(PQconnectdbParams)        \
  X(PQerrorMessage)           \
  X(PQexec)                   \
  X(PQexecParams)             \
  X(PQexecPrepared)           \
  X(PQfinish)                 \
  X(PQgetisnull)              \
  X(PQgetlength)              \
  X(PQgetvalue)               \
  X(PQnfields)                \
  X(PQntuples)                \
  X(PQprepare)                \
  X(PQputCopyData)            \
  X(PQputCopyEnd)             \
  X(PQgetResult)              \
  X(PQresultErrorField)       \
  X(PQresultErrorMessage)     \
  X(PQresultStatus)           \
  X(PQstatus)                 \
  X(PQtransactionStatus)      \
  X(PQconnectionUsedPassword) \
  X(PQsetNoticeProcessor)

namespace mlops {

struct PqApi {
  MLOPS_PQ_FUNCTIONS(MLOPS_FUNCTION_POINTER)
};

/// The libpq C API, loading libpq.so.5 on the first call (thread-safe). Throws ConfigError
/// naming the library and its Debian package (libpq5) when it cannot be loaded.
const PqApi& pq();

}  // namespace mlops

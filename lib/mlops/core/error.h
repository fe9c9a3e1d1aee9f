#pragma once
// The typed error hierarchy. lib/ throws these; cli/main.cpp is the only place that catches
// them and turns them into the documented exit codes.

#include <fmt/format.h>

#include <stdexcept>
#include <string>

namespace mlops {

/// Process exit codes, documented in README.md ("Exit codes").
enum class ExitCode : int {
  kOk = 0,
  kInternal = 1,
  kCheckFailed = 1,  // a --check found something to change (a result, not a failure of mlops)
  kUsage = 2,        // bad flags or configuration
  kContract = 3,     // a data contract was violated
  kBadData = 4,      // input data that cannot be read or typed
  kIo = 5,           // file system or network failure
};

/// Base of every error mlops throws on purpose; carries the exit code it maps to.
class Error : public std::runtime_error {
 public:
  Error(ExitCode code, std::string message) : std::runtime_error(std::move(message)), code_(code) {}
  ExitCode exit_code() const { return code_; }

 private:
  ExitCode code_;
};

#define MLOPS_DEFINE_ERROR(Name, code)                                      \
  class Name : public Error {                                               \
   public:                                                                  \
    explicit Name(std::string message) : Error(code, std::move(message)) {} \
    template <typename... Args>                                             \
    Name(fmt::format_string<Args...> format, Args&&... args)                \
        : Error(code, fmt::format(format, std::forward<Args>(args)...)) {}  \
  }

/// A configuration or usage mistake: unknown key, wrong type, missing file (exit 2).
MLOPS_DEFINE_ERROR(ConfigError, ExitCode::kUsage);
/// Input data that cannot be parsed or typed (exit 4).
MLOPS_DEFINE_ERROR(DataError, ExitCode::kBadData);
/// A data contract check with severity `error` failed (exit 3).
MLOPS_DEFINE_ERROR(ContractError, ExitCode::kContract);
/// A file system failure: unreadable input, unwritable output (exit 5).
MLOPS_DEFINE_ERROR(IoError, ExitCode::kIo);
/// A network failure after retries (exit 5).
MLOPS_DEFINE_ERROR(NetworkError, ExitCode::kIo);
/// A model that cannot be trained, loaded or used (exit 1).
MLOPS_DEFINE_ERROR(ModelError, ExitCode::kInternal);
/// A bug or an unexpected library failure (exit 1).
MLOPS_DEFINE_ERROR(InternalError, ExitCode::kInternal);
/// A `--check` that found work to do, e.g. notebooks that strip would change (exit 1, for CI).
/// main() prints its message without the "error" label an internal error gets.
MLOPS_DEFINE_ERROR(CheckFailed, ExitCode::kCheckFailed);

#undef MLOPS_DEFINE_ERROR

}  // namespace mlops

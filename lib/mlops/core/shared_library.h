#pragma once
// Libraries that only some commands need (XGBoost, librdkafka, libcurl) are opened with dlopen
// on first use instead of being linked: loading them and their own dependencies (OpenMP, TLS,
// SASL, Kerberos) cost every command, `mlops --version` included, most of its start-up time
// (docs/architecture.md, "Heavy libraries load on first use").

#include <string>

namespace mlops {

/// A shared library opened by its SONAME for the rest of the process. It is never closed: its
/// worker threads and static destructors may outlive any owner we could give it.
class SharedLibrary {
 public:
  /// Opens `soname` (e.g. "libxgboost.so.0"). Throws ConfigError naming the library, what
  /// needs it (`needed_for`) and the Debian package that installs it when it cannot be loaded.
  SharedLibrary(const std::string& soname, const std::string& needed_for,
                const std::string& package);

  /// The address of the function `name`. Throws ConfigError naming the library when it has no
  /// such symbol (a version too old).
  void* symbol(const char* name) const;

  /// Sets `function` to the library's function `name`.
  template <typename Function>
  void bind(Function*& function, const char* name) const {
    function = reinterpret_cast<Function*>(symbol(name));
  }

 private:
  std::string soname_;
  void* handle_ = nullptr;
};

/// A function table (`Table`) filled by `bind(library, table)` from `soname`, opened as
/// SharedLibrary opens it (and throwing what it throws). Callers keep the result in a
/// function-local static, so the library is opened once, on first use; after a throw the
/// static stays unset and the next call tries again.
template <typename Table, typename Bind>
Table load_function_table(const std::string& soname, const std::string& needed_for,
                          const std::string& package, Bind bind) {
  const SharedLibrary library(soname, needed_for, package);
  Table table;
  bind(library, table);
  return table;
}

}  // namespace mlops

// A function table over a C API holds one pointer per function, named and typed like the
// function its header declares, so call sites read `api.XGBoosterFree(handle)`. Each table
// lists its functions once in an X-macro, expanded with these two.

/// A member of a function table: a pointer of the C function's own type.
#define MLOPS_FUNCTION_POINTER(name) decltype(&::name) name = nullptr;
/// Binds the member `name` of `table` from `library` (both in scope where it expands: the
/// parameters of load_function_table's `bind`).
#define MLOPS_BIND_FUNCTION(name) library.bind(table.name, #name);

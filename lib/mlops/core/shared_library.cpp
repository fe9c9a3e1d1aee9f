#include "mlops/core/shared_library.h"

#include <dlfcn.h>

#include "mlops/core/error.h"

namespace mlops {

SharedLibrary::SharedLibrary(const std::string& soname, const std::string& needed_for,
                             const std::string& package)
    : soname_(soname) {
  // RTLD_LOCAL keeps its symbols out of the global scope, so nothing loaded later binds to
  // them by accident; RTLD_NOW reports a broken installation here rather than mid-run.
  handle_ = ::dlopen(soname.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle_) {
    throw ConfigError("cannot load {} (needed for {}; install the Debian package {}): {}", soname,
                      needed_for, package, ::dlerror());
  }
}

void* SharedLibrary::symbol(const char* name) const {
  ::dlerror();  // clear a stale error: a null symbol is only a failure when dlerror says so
  void* address = ::dlsym(handle_, name);
  if (::dlerror()) throw ConfigError("{} has no function {} (a version too old?)", soname_, name);
  return address;
}

}  // namespace mlops

#pragma once
// What every harness counts as a bug besides a crash, a sanitizer report or a hang (which
// libFuzzer finds by itself): an exception that is not an mlops::Error. Input data may be
// refused only with a typed error; anything else would reach the user as "internal error".

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <string_view>
#include <typeinfo>

#include "mlops/core/error.h"

namespace mlops::fuzz {

/// Runs `body`; returns normally when it returns or throws a typed mlops::Error other than
/// InternalError, and aborts (a finding for libFuzzer) on anything else.
template <typename Body>
void expect_typed_errors(Body&& body) {
  try {
    body();
  } catch (const InternalError& error) {
    std::fprintf(stderr, "fuzz: InternalError on input data: %s\n", error.what());
    std::abort();
  } catch (const Error&) {
    // a typed refusal of bad input: the documented behaviour
  } catch (const std::exception& error) {
    std::fprintf(stderr, "fuzz: untyped exception %s: %s\n", typeid(error).name(), error.what());
    std::abort();
  } catch (...) {
    std::fprintf(stderr, "fuzz: unknown exception\n");
    std::abort();
  }
}

/// The input as text.
inline std::string_view as_text(const uint8_t* data, size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

/// A file under /tmp named for this process, rewritten with each input for the readers that take
/// a path, and removed when the fuzzer exits.
class InputFile {
 public:
  explicit InputFile(std::string_view extension)
      : path_("/tmp/mlops-fuzz-" + std::to_string(getpid()) + std::string(extension)) {}
  ~InputFile() { std::remove(path_.c_str()); }
  InputFile(const InputFile&) = delete;
  InputFile& operator=(const InputFile&) = delete;

  const std::string& path() const { return path_; }
  void write(std::string_view text) const {
    std::FILE* file = std::fopen(path_.c_str(), "wb");
    if (!file) std::abort();
    if (!text.empty() && std::fwrite(text.data(), 1, text.size(), file) != text.size())
      std::abort();
    std::fclose(file);
  }

 private:
  std::string path_;
};

}  // namespace mlops::fuzz

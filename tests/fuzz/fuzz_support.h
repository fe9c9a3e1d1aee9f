#pragma once
// What every harness counts as a bug besides a crash, a sanitizer report or a hang (which
// libFuzzer finds by itself): an exception that is not an mlops::Error. Input data may be
// refused only with a typed error; anything else would reach the user as "internal error".

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
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

}  // namespace mlops::fuzz

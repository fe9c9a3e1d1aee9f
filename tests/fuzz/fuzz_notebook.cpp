// The notebook parser (notebook/json_spans, notebook/strip) on any bytes: the span parser with
// every string decoded, then `notebooks strip` with the default metadata kept; stripping its
// output again must change nothing (strip is idempotent).

#include <cstdio>

#include "fuzz_support.h"
#include "mlops/notebook/json_spans.h"
#include "mlops/notebook/strip.h"

namespace {

void decode_all(std::string_view text, const mlops::JsonSpan& span) {
  if (span.kind == mlops::JsonSpan::Kind::kString) (void)mlops::decode_string(text, span);
  for (const auto& item : span.items) decode_all(text, item);
  for (const auto& member : span.members) decode_all(text, member.value);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text = mlops::fuzz::as_text(data, size);
  mlops::fuzz::expect_typed_errors([&] {
    (void)mlops::line_column(text, size / 2);
    mlops::JsonSpan root = mlops::parse_json_spans(text, "fuzz.ipynb");
    decode_all(text, root);
  });
  mlops::fuzz::expect_typed_errors([&] {
    const auto& keep = mlops::default_keep_metadata();
    mlops::StrippedNotebook once = mlops::strip_notebook(text, "fuzz.ipynb", keep);
    mlops::StrippedNotebook twice = mlops::strip_notebook(once.text, "fuzz.ipynb", keep);
    if (twice.counts.changed() || twice.text != once.text) {
      std::fprintf(stderr, "fuzz: stripping a stripped notebook changed it\n");
      std::abort();
    }
  });
  return 0;
}

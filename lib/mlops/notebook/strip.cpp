#include "mlops/notebook/strip.h"

#include <algorithm>
#include <filesystem>

#include "mlops/core/error.h"
#include "mlops/io/file.h"
#include "mlops/notebook/json_spans.h"

namespace mlops {

namespace {

struct Edit {
  size_t begin;
  size_t end;
  std::string_view replacement;
};

class Stripper {
 public:
  Stripper(std::string_view text, const std::vector<std::string>& keep)
      : text_(text), keep_(keep) {}

  void strip_cell(const JsonSpan& cell) {
    if (cell.kind != JsonSpan::Kind::kObject) return;
    const JsonSpan* type = cell.find("cell_type");
    const bool is_code =
        type && type->kind == JsonSpan::Kind::kString && decode_string(text_, *type) == "code";
    if (is_code) {
      const JsonSpan* outputs = cell.find("outputs");
      if (outputs && outputs->kind == JsonSpan::Kind::kArray && !outputs->items.empty()) {
        edits_.push_back({outputs->begin, outputs->end, "[]"});
        counts_.outputs += outputs->items.size();
      }
      const JsonSpan* count = cell.find("execution_count");
      if (count && count->kind != JsonSpan::Kind::kNull) {
        edits_.push_back({count->begin, count->end, "null"});
        ++counts_.execution_counts;
      }
    }
    if (const JsonSpan* metadata = cell.find("metadata")) filter_object(*metadata, "cell.metadata");
  }

  /// Removes the members of `object` whose path is not kept. A member goes with the separator
  /// before it (or, before the first kept member, after it), so the rest keeps its layout.
  void filter_object(const JsonSpan& object, const std::string& path) {
    if (object.kind != JsonSpan::Kind::kObject) return;
    const auto& members = object.members;
    std::vector<bool> kept(members.size(), false);
    for (size_t i = 0; i < members.size(); ++i) {
      const std::string member_path = path + "." + members[i].key;
      if (is_kept(member_path)) {
        kept[i] = true;
      } else if (has_kept_child(member_path) && members[i].value.kind == JsonSpan::Kind::kObject) {
        kept[i] = true;
        filter_object(members[i].value, member_path);
      }
    }
    const size_t removed = static_cast<size_t>(std::count(kept.begin(), kept.end(), false));
    counts_.metadata_keys += removed;
    if (removed == 0) return;
    if (removed == members.size()) {
      edits_.push_back({object.begin, object.end, "{}"});
      return;
    }
    bool seen_kept = false;
    for (size_t i = 0; i < members.size(); ++i) {
      if (kept[i]) {
        seen_kept = true;
      } else if (seen_kept) {
        edits_.push_back({members[i - 1].value.end, members[i].value.end, ""});
      } else {
        edits_.push_back({members[i].key_begin, members[i + 1].key_begin, ""});
      }
    }
  }

  StrippedNotebook finish() {
    std::sort(edits_.begin(), edits_.end(),
              [](const Edit& a, const Edit& b) { return a.begin < b.begin; });
    StrippedNotebook result;
    result.counts = counts_;
    result.text.reserve(text_.size());
    size_t copied = 0;
    for (const Edit& edit : edits_) {
      result.text.append(text_.substr(copied, edit.begin - copied));
      result.text.append(edit.replacement);
      copied = edit.end;
    }
    result.text.append(text_.substr(copied));
    return result;
  }

 private:
  bool is_kept(const std::string& path) const {
    return std::find(keep_.begin(), keep_.end(), path) != keep_.end();
  }
  bool has_kept_child(const std::string& path) const {
    return std::any_of(keep_.begin(), keep_.end(), [&](const std::string& entry) {
      return entry.size() > path.size() && entry.starts_with(path) && entry[path.size()] == '.';
    });
  }

  std::string_view text_;
  const std::vector<std::string>& keep_;
  std::vector<Edit> edits_;
  StripCounts counts_;
};

}  // namespace

const std::vector<std::string>& default_keep_metadata() {
  // language_info.version is left out: it names the patch release of whoever ran the notebook
  // last, so keeping it would make every collaborator's commit differ.
  static const std::vector<std::string> keep{
      "metadata.kernelspec",
      "metadata.language_info.name",
      "metadata.language_info.codemirror_mode",
      "metadata.language_info.file_extension",
      "metadata.language_info.mimetype",
      "metadata.language_info.nbconvert_exporter",
      "metadata.language_info.pygments_lexer",
      "metadata.title",
      "metadata.authors",
      "metadata.jupytext",
      "cell.metadata.tags",
      "cell.metadata.slideshow",
      "cell.metadata.jupyter",
      "cell.metadata.editable",
      "cell.metadata.deletable",
      "cell.metadata.name",
      "cell.metadata.format",
      "cell.metadata.raw_mimetype",
  };
  return keep;
}

void check_keep_metadata(const std::vector<std::string>& keep, std::string_view origin) {
  for (const auto& entry : keep) {
    const bool notebook = entry.starts_with("metadata.") && entry.size() > 9;
    const bool cell = entry.starts_with("cell.metadata.") && entry.size() > 14;
    if (!notebook && !cell) {
      throw ConfigError(
          "{}: metadata path '{}' must be metadata.KEY (notebook) or cell.metadata.KEY (cell), "
          "e.g. metadata.kernelspec or cell.metadata.tags",
          origin, entry);
    }
  }
}

StrippedNotebook strip_notebook(std::string_view text, const std::string& source_name,
                                const std::vector<std::string>& keep) {
  const JsonSpan root = parse_json_spans(text, source_name);
  const JsonSpan* cells = root.find("cells");
  if (!cells || cells->kind != JsonSpan::Kind::kArray) {
    throw DataError("{}: not a Jupyter notebook (nbformat 4 needs a top-level 'cells' list)",
                    source_name);
  }
  Stripper stripper(text, keep);
  if (const JsonSpan* metadata = root.find("metadata")) {
    stripper.filter_object(*metadata, "metadata");
  }
  for (const JsonSpan& cell : cells->items) stripper.strip_cell(cell);
  return stripper.finish();
}

StripCounts strip_notebook_file(const std::string& path, const std::vector<std::string>& keep,
                                bool write) {
  const std::string text = read_file(path);
  StrippedNotebook stripped = strip_notebook(text, path, keep);
  if (write && stripped.counts.changed()) {
    std::error_code error;
    const auto permissions = std::filesystem::status(path, error).permissions();
    write_file_atomic(path, stripped.text);
    if (!error) std::filesystem::permissions(path, permissions, error);
  }
  return stripped.counts;
}

}  // namespace mlops

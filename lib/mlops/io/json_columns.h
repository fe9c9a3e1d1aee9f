#pragma once
// Gathers parsed JSON records into typed columns: flattens nested objects to "a.b" names,
// checks declared columns record by record, and types the other columns once all are in.
// Private to lib/mlops/io.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "mlops/io/read_result.h"
#include "mlops/io/typing.h"

namespace mlops::io_detail {

/// Keeps keys in file order, so columns come out in order of first appearance.
using Json = nlohmann::ordered_json;

class JsonColumns {
 public:
  explicit JsonColumns(const ReadOptions& options) : options_(options) {}

  /// Adds one record, or a BadRecord when it is not an object or a declared value does not
  /// convert. The record must outlive this object: columns point into it.
  void add(const Json& record, size_t line, size_t index);
  void add_bad(BadRecord bad) { bad_.push_back(std::move(bad)); }
  /// The typed table: columns in order of first appearance, then declared columns that never
  /// appeared (all null).
  ReadResult finish();

 private:
  struct Slot {
    std::string name;
    std::optional<DeclaredCheck> declared;
    std::vector<const Json*> values;  // one per accepted record once finished; nullptr = missing
    uint64_t stamp = 0;               // last record that set it, to catch flattened duplicates
    bool accepted = false;            // set by an accepted record (else only by a bad one)
  };
  struct StringHash {
    using is_transparent = void;
    size_t operator()(std::string_view text) const { return std::hash<std::string_view>()(text); }
  };

  void flatten(const Json& object);
  size_t slot_for(std::string_view name);
  void reject(const Json& record, size_t line, size_t index, std::string column, std::string value,
              std::string reason);

  const ReadOptions& options_;
  std::vector<Slot> slots_;
  std::unordered_map<std::string, size_t, StringHash, std::equal_to<>> slot_index_;
  std::vector<std::pair<size_t, const Json*>> flat_;  // the current record's (slot, value)
  std::string path_;                                  // the current nested key, "a.b."
  uint64_t stamp_ = 0;
  size_t rows_ = 0;
  std::vector<BadRecord> bad_;
};

}  // namespace mlops::io_detail

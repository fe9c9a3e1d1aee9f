#include "mlops/serve/response_json.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <vector>

namespace mlops {

namespace {

using json = nlohmann::json;

// nlohmann's own serializer, writing into `out`: the same text as json::dump() of each value.
class Writer {
 public:
  explicit Writer(std::string& out)
      : out_(out), serializer_(nlohmann::detail::output_adapter<char, std::string>(out), ' ') {}
  Writer& raw(std::string_view text) {
    out_.append(text);
    return *this;
  }
  Writer& value(const json& value) {
    serializer_.dump(value, false, false, 0);
    return *this;
  }
  Writer& number_or_null(std::optional<double> value) {
    return value ? this->value(json(*value)) : raw("null");
  }

 private:
  std::string& out_;
  nlohmann::detail::serializer<json> serializer_;
};

}  // namespace

void append_predictions_json(std::string& out, std::string_view request_id,
                             std::span<const PredictedRow> rows) {
  Writer write(out);
  write.raw("{\"predictions\":[");
  std::vector<size_t> order;
  for (size_t r = 0; r < rows.size(); ++r) {
    const PredictedRow& row = rows[r];
    write.raw(r ? ",{\"features_age_s\":" : "{\"features_age_s\":");
    write.number_or_null(row.features_age_s).raw(",\"model_version\":");
    if (row.model_version.empty()) {
      write.raw("null");
    } else {
      write.value(json(row.model_version));
    }
    write.raw(",\"prediction\":").value(row.prediction);
    if (!row.probabilities.empty()) {
      // A JSON object's members in sorted order, as nlohmann's std::map kept them.
      order.resize(row.probabilities.size());
      for (size_t i = 0; i < order.size(); ++i) order[i] = i;
      std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
        return row.probabilities[a].first < row.probabilities[b].first;
      });
      write.raw(",\"probabilities\":{");
      bool first = true;
      for (size_t i = 0; i < order.size(); ++i) {
        // Of equal names, the last assigned is the one the map held.
        if (i + 1 < order.size() &&
            row.probabilities[order[i]].first == row.probabilities[order[i + 1]].first) {
          continue;
        }
        const auto& entry = row.probabilities[order[i]];
        write.raw(first ? "" : ",").value(json(entry.first)).raw(":").value(json(entry.second));
        first = false;
      }
      write.raw("}");
    }
    if (row.probability) write.raw(",\"probability\":").value(json(*row.probability));
    // The source's name and the request id need no escaping (request_id(): letters, digits,
    // '-', '_', '.').
    write.raw(",\"source\":\"").raw(answer_source_name(row.source)).raw("\"}");
  }
  write.raw("],\"request_id\":\"").raw(request_id).raw("\"}");
}

}  // namespace mlops

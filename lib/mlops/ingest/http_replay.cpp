#include "mlops/ingest/http_replay.h"

#include "mlops/core/error.h"
#include "mlops/core/secret_mask.h"
#include "mlops/ingest/http_source.h"

namespace mlops {

namespace {

// Thrown by the client when every recorded response was served: the replay is complete.
struct RawExhausted {};

class ReplayClient : public HttpClient {
 public:
  ReplayClient(const SourceContext& context, const std::vector<RawEntry>& entries)
      : source_(context.spec.name), entries_(entries) {}

  HttpResponse send(const HttpRequest& request) override {
    if (next_ >= entries_.size()) throw RawExhausted{};
    const RawEntry& entry = entries_[next_];
    // The raw index holds URLs masked; the request is compared the same way.
    const std::string asked = mask_secrets(request.url);
    const std::string recorded = entry.meta.value("url", "");
    if (asked != recorded) {
      throw ConfigError(
          "mlops ingest --rebuild: source '{}': response {} of the raw layer answered GET {}, "
          "but the current settings ask for GET {} (the url or pagination changed since it was "
          "fetched), so the raw layer cannot be replayed; restore the settings, or move the "
          "lake aside and run `mlops ingest` to fetch again (nothing was changed)",
          source_, next_ + 1, recorded, asked);
    }
    HttpResponse response;
    response.status = entry.meta.value("status", 0L);
    response.error = entry.meta.value("error", "");
    response.body = read_raw_body(entry);
    response.url = request.url;
    if (const auto link = entry.meta.find("link"); link != entry.meta.end()) {
      for (const auto& value : *link)
        response.headers.emplace_back("link", value.get<std::string>());
    }
    ++next_;
    return response;
  }

  size_t served() const { return next_; }
  bool done() const { return next_ >= entries_.size(); }

 private:
  std::string source_;
  const std::vector<RawEntry>& entries_;
  size_t next_ = 0;
};

}  // namespace

void replay_http_source(SourceContext& context, const std::vector<RawEntry>& entries) {
  const HttpSourceConfig config = parse_http_config(context.options);
  if (config.pagination == "link") {
    for (const auto& entry : entries) {
      const long status = entry.meta.value("status", 0L);
      if (status >= 200 && status < 300 && !entry.meta.contains("link")) {
        throw ConfigError(
            "mlops ingest --rebuild: source '{}' walks pages by their Link header, and its raw "
            "layer was written before the Link headers were kept, so the walk cannot be "
            "replayed; move the lake aside and run `mlops ingest` to fetch again (nothing was "
            "changed)",
            context.spec.name);
      }
    }
  }
  ReplayClient client(context, entries);
  context.replay = true;
  context.sleep = [](double) {};  // no backoff: nothing is waited for
  // One pass of the walk per live run: a run ends where the live one did (the last page, a
  // spent retry budget, a body that is not JSON) and the next recorded response starts the next.
  while (!client.done()) {
    const size_t before = client.served();
    try {
      run_http_source(context, &client);
    } catch (const RawExhausted&) {
      break;
    } catch (const NetworkError&) {
      // The live run stopped here too; the responses after it belong to the next run.
    } catch (const DataError&) {
    }
    if (client.served() == before) break;
  }
}

}  // namespace mlops

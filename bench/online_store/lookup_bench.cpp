// In-process latency of online-store lookups (bench/online_store/run.py runs it): one key per
// call and 100 keys per call, random keys of a materialized view, after a warm-up.
//   bench_online_lookup URL VIEW KEYS N_SINGLE N_BATCH
// prints JSON: p50/p99/max microseconds for each kind.

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <random>
#include <string>
#include <vector>

#include "mlops/config/workflow.h"
#include "mlops/store/open_stores.h"

namespace {

struct Stats {
  double p50 = 0, p99 = 0, max = 0;
};

Stats stats_of(std::vector<double> micros) {
  std::sort(micros.begin(), micros.end());
  auto at = [&](double q) { return micros[static_cast<size_t>(q * (micros.size() - 1))]; };
  return {at(0.5), at(0.99), micros.back()};
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 6) {
    fmt::print(stderr, "usage: bench_online_lookup URL VIEW KEYS N_SINGLE N_BATCH\n");
    return 2;
  }
  mlops::Settings settings;
  settings.online_store_url = argv[1];
  const std::string view = argv[2];
  const int64_t keys = std::stoll(argv[3]);
  const int singles = std::stoi(argv[4]), batches = std::stoi(argv[5]);
  auto store = mlops::open_online_store(settings);
  std::mt19937_64 random(42);
  auto key = [&] { return std::to_string(static_cast<int64_t>(random() % keys)); };
  using Clock = std::chrono::steady_clock;
  int64_t found = 0;
  for (int i = 0; i < 1000; ++i) found += store->read_one(view, key(), {}).found;  // warm-up
  std::vector<double> single;
  for (int i = 0; i < singles; ++i) {
    const std::string k = key();
    const auto start = Clock::now();
    found += store->read_one(view, k, {}).found;
    single.push_back(std::chrono::duration<double, std::micro>(Clock::now() - start).count());
  }
  std::vector<double> hundred;
  std::vector<std::string> batch(100);
  for (int i = 0; i < batches; ++i) {
    for (std::string& k : batch) k = key();
    const auto start = Clock::now();
    for (const auto& result : store->read(view, batch, {})) found += result.found;
    hundred.push_back(std::chrono::duration<double, std::micro>(Clock::now() - start).count());
  }
  const Stats one = stats_of(single), many = stats_of(hundred);
  fmt::print(
      "{{\"store\": \"{}\", \"found\": {}, \"one_key_us\": {{\"p50\": {:.1f}, \"p99\": {:.1f}, "
      "\"max\": {:.1f}}}, \"hundred_keys_us\": {{\"p50\": {:.1f}, \"p99\": {:.1f}, \"max\": "
      "{:.1f}}}}}\n",
      store->describe(), found, one.p50, one.p99, one.max, many.p50, many.p99, many.max);
  return 0;
}

#include "mlops/core/usable_cpus.h"

#include <sched.h>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

namespace mlops {

namespace {

std::string read_small_file(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::optional<int64_t> parse_int(std::string_view text) {
  int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end == text.data()) return std::nullopt;
  return value;
}

// The quota of this process' cgroup: v2 (`0::/path` in /proc/self/cgroup, `cpu.max` under
// /sys/fs/cgroup), else v1's cpu controller (cfs_quota_us / cfs_period_us).
std::optional<size_t> cgroup_quota_cpus() {
  std::istringstream lines(read_small_file("/proc/self/cgroup"));
  for (std::string line; std::getline(lines, line);) {
    if (!line.starts_with("0::")) continue;
    const std::string path = line.substr(3);
    for (const std::string& file :
         {"/sys/fs/cgroup" + path + "/cpu.max", std::string("/sys/fs/cgroup/cpu.max")}) {
      const std::string text = read_small_file(file);
      if (!text.empty()) return cpus_of_cgroup_quota(text);
    }
  }
  const auto quota = parse_int(read_small_file("/sys/fs/cgroup/cpu/cpu.cfs_quota_us"));
  const auto period = parse_int(read_small_file("/sys/fs/cgroup/cpu/cpu.cfs_period_us"));
  if (!quota || !period || *quota <= 0 || *period <= 0) return std::nullopt;
  return static_cast<size_t>((*quota + *period - 1) / *period);
}

}  // namespace

std::optional<size_t> cpus_of_cgroup_quota(std::string_view cpu_max) {
  const size_t space = cpu_max.find(' ');
  if (space == std::string_view::npos) return std::nullopt;
  const auto quota = parse_int(cpu_max.substr(0, space));  // "max": no number, no quota
  const auto period = parse_int(cpu_max.substr(space + 1));
  if (!quota || !period || *quota <= 0 || *period <= 0) return std::nullopt;
  return static_cast<size_t>((*quota + *period - 1) / *period);
}

size_t usable_cpus() {
  size_t cpus = std::max(1u, std::thread::hardware_concurrency());
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) == 0) {
    cpus = std::max(1, CPU_COUNT(&set));
  }
  if (const auto quota = cgroup_quota_cpus()) cpus = std::min(cpus, std::max<size_t>(1, *quota));
  return cpus;
}

}  // namespace mlops

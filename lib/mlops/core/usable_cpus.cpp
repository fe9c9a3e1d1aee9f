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

// The smallest quota on the way from this process' cgroup to the root (a parent's limit, e.g.
// a systemd slice's CPUQuota, bounds its children): v2 (`0::/path` in /proc/self/cgroup,
// `cpu.max` in each directory under /sys/fs/cgroup), else v1's cpu controller (its own path on
// the `cpu` line, cfs_quota_us / cfs_period_us in each directory).
std::optional<size_t> cgroup_quota_cpus() {
  std::optional<size_t> smallest;
  auto take = [&smallest](std::optional<size_t> cpus) {
    if (cpus && (!smallest || *cpus < *smallest)) smallest = cpus;
  };
  // "/a/b" -> "/a/b", "/a", "" (the root)
  auto each_ancestor = [](std::string path, const auto& visit) {
    while (true) {
      visit(path == "/" ? std::string() : path);
      if (path.empty() || path == "/") return;
      const size_t slash = path.rfind('/');
      path = slash == 0 || slash == std::string::npos ? std::string() : path.substr(0, slash);
    }
  };
  std::istringstream lines(read_small_file("/proc/self/cgroup"));
  std::optional<std::string> v2_path, v1_path;
  for (std::string line; std::getline(lines, line);) {
    const size_t first = line.find(':'), second = line.find(':', first + 1);
    if (first == std::string::npos || second == std::string::npos) continue;
    const std::string controllers = line.substr(first + 1, second - first - 1);
    const std::string path = line.substr(second + 1);
    if (line.starts_with("0::")) v2_path = path;
    std::istringstream names(controllers);
    for (std::string name; std::getline(names, name, ',');) {
      if (name == "cpu") v1_path = path;
    }
  }
  if (v2_path) {
    each_ancestor(*v2_path, [&](const std::string& dir) {
      const std::string text = read_small_file("/sys/fs/cgroup" + dir + "/cpu.max");
      if (!text.empty()) take(cpus_of_cgroup_quota(text));
    });
  }
  if (v1_path) {
    for (const char* mount : {"/sys/fs/cgroup/cpu", "/sys/fs/cgroup/cpu,cpuacct"}) {
      each_ancestor(*v1_path, [&](const std::string& dir) {
        const auto quota = parse_int(read_small_file(mount + dir + "/cpu.cfs_quota_us"));
        const auto period = parse_int(read_small_file(mount + dir + "/cpu.cfs_period_us"));
        if (quota && period && *quota > 0 && *period > 0) {
          take(static_cast<size_t>((*quota + *period - 1) / *period));
        }
      });
    }
  }
  return smallest;
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

#pragma once
// How many CPUs this process may use: the CPUs its affinity mask allows (taskset, a cpuset
// cgroup), bounded by its cgroup's CPU quota when one is set (a container's CPU limit, e.g. a
// Kubernetes `resources.limits.cpu` of 2 on a 64-core node is 2, not 64), at least 1.
// std::thread::hardware_concurrency() counts the machine's CPUs and sees neither.

#include <cstddef>
#include <optional>
#include <string_view>

namespace mlops {

size_t usable_cpus();

/// The quota of a cgroup v2 `cpu.max` ("QUOTA PERIOD" or "max PERIOD") in CPUs, rounded up;
/// nullopt for "max" or text it cannot read.
std::optional<size_t> cpus_of_cgroup_quota(std::string_view cpu_max);

}  // namespace mlops

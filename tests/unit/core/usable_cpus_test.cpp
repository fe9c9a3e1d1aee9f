#include "mlops/core/usable_cpus.h"

#include <gtest/gtest.h>
#include <sched.h>

namespace mlops {
namespace {

TEST(UsableCpus, CgroupQuotaInCpusRoundedUp) {
  EXPECT_EQ(cpus_of_cgroup_quota("200000 100000\n"), 2u);
  EXPECT_EQ(cpus_of_cgroup_quota("150000 100000"), 2u);
  EXPECT_EQ(cpus_of_cgroup_quota("50000 100000"), 1u);
  EXPECT_EQ(cpus_of_cgroup_quota("max 100000"), std::nullopt);
  EXPECT_EQ(cpus_of_cgroup_quota(""), std::nullopt);
  EXPECT_EQ(cpus_of_cgroup_quota("-1 100000"), std::nullopt);
  EXPECT_EQ(cpus_of_cgroup_quota("200000 0"), std::nullopt);
}

TEST(UsableCpus, FollowsTheAffinityMask) {
  cpu_set_t saved;
  ASSERT_EQ(sched_getaffinity(0, sizeof(saved), &saved), 0);
  const size_t all = usable_cpus();
  EXPECT_GE(all, 1u);
  EXPECT_LE(all, static_cast<size_t>(CPU_COUNT(&saved)));
  int first = 0;
  while (!CPU_ISSET(first, &saved)) ++first;
  cpu_set_t one;
  CPU_ZERO(&one);
  CPU_SET(first, &one);
  ASSERT_EQ(sched_setaffinity(0, sizeof(one), &one), 0);
  EXPECT_EQ(usable_cpus(), 1u);
  ASSERT_EQ(sched_setaffinity(0, sizeof(saved), &saved), 0);
  EXPECT_EQ(usable_cpus(), all);
}

}  // namespace
}  // namespace mlops

// ProcessCpuTime and OpenHandleCount on POSIX: they grow with real work and
// open files, see other processes, and refuse processes that do not exist.

#include "platform/process_stats.h"

#include <atomic>
#include <climits>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "platform/process.h"
#include "platform/subprocess.h"
#include "tests/platform/test_util.h"

namespace zerobuffer::testing {
namespace {

using platform::CurrentProcessId;
using platform::OpenHandleCount;
using platform::ProcessCpuTime;
using platform::ResidentSetBytes;

class ProcessStatsTest : public LeakCheckedTest {};

// Work the compiler cannot drop.
uint64_t Spin(uint64_t rounds) {
  volatile uint64_t sum = 0;
  for (uint64_t i = 0; i < rounds; ++i) sum = sum + i * i;
  return sum;
}

// Computes until `cpu_clock` has grown by several accounting ticks,
// bounded by wall time so that a broken reading fails instead of spinning
// forever.
void ExpectGrowthWhileComputing(
    const std::function<absl::StatusOr<absl::Duration>()>& cpu_clock) {
  const absl::StatusOr<absl::Duration> before = cpu_clock();
  ASSERT_TRUE(before.ok()) << before.status();
  const absl::Duration wanted = absl::Milliseconds(100);
  const absl::Time give_up = absl::Now() + kGenerousTimeout;
  absl::StatusOr<absl::Duration> now = before;
  while (now.ok() && *now - *before < wanted && absl::Now() < give_up) {
    Spin(1'000'000);
    now = cpu_clock();
  }
  ASSERT_TRUE(now.ok()) << now.status();
  EXPECT_GE(*now - *before, wanted) << "CPU time never grew by " << wanted;
}

TEST_F(ProcessStatsTest, CpuTimeGrowsWhileThisProcessComputes) {
  ExpectGrowthWhileComputing([] { return ProcessCpuTime(CurrentProcessId()); });
}

TEST_F(ProcessStatsTest, CpuTimeBarelyGrowsWhileThisProcessSleeps) {
  const absl::StatusOr<absl::Duration> before =
      ProcessCpuTime(CurrentProcessId());
  ASSERT_TRUE(before.ok()) << before.status();
  absl::SleepFor(absl::Milliseconds(500));
  const absl::StatusOr<absl::Duration> after =
      ProcessCpuTime(CurrentProcessId());
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_GE(*after, *before);
  // Half a second asleep: anything near it would mean the reading counts
  // wall time, not CPU time.
  EXPECT_LT(*after - *before, absl::Milliseconds(250));
}

TEST_F(ProcessStatsTest, ReadsAnotherProcess) {
  platform::SubprocessOptions options;
  options.argv = {"/bin/sleep", "10"};
  absl::StatusOr<platform::Subprocess> child =
      platform::Subprocess::Spawn(options);
  ASSERT_TRUE(child.ok()) << child.status();
  const absl::StatusOr<absl::Duration> cpu = ProcessCpuTime(child->pid());
  ASSERT_TRUE(cpu.ok()) << cpu.status();
  EXPECT_GE(*cpu, absl::ZeroDuration());
  const absl::StatusOr<int64_t> handles = OpenHandleCount(child->pid());
  ASSERT_TRUE(handles.ok()) << handles.status();
  EXPECT_GE(*handles, 0);
  child->KillAbruptly();
  child->Wait();
}

TEST_F(ProcessStatsTest, ProcessesThatDoNotExistAreNotFound) {
  for (const platform::ProcessId pid :
       {platform::ProcessId{0}, platform::ProcessId{INT_MAX} + 1}) {
    EXPECT_EQ(ProcessCpuTime(pid).status().code(), absl::StatusCode::kNotFound)
        << pid;
    EXPECT_EQ(OpenHandleCount(pid).status().code(), absl::StatusCode::kNotFound)
        << pid;
    EXPECT_EQ(ResidentSetBytes(pid).status().code(),
              absl::StatusCode::kNotFound)
        << pid;
  }
}

TEST_F(ProcessStatsTest, ResidentSetGrowsWithTouchedMemory) {
  const absl::StatusOr<uint64_t> before = ResidentSetBytes(CurrentProcessId());
  ASSERT_TRUE(before.ok()) << before.status();
  EXPECT_GT(*before, 0u);
  // Writing every page makes it resident; the allocator may reuse some
  // pages that already were, so only most of it must show.
  constexpr size_t kTouched = 64 << 20;
  std::vector<char> memory(kTouched, 1);
  const absl::StatusOr<uint64_t> after = ResidentSetBytes(CurrentProcessId());
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_GE(*after, *before + kTouched / 2)
      << "before " << *before << " bytes, after touching " << kTouched
      << " bytes " << *after;
  EXPECT_EQ(memory.back(), 1);
}

TEST_F(ProcessStatsTest, HandleCountFollowsAnOpenFile) {
  const absl::StatusOr<int64_t> before = OpenHandleCount(CurrentProcessId());
  ASSERT_TRUE(before.ok()) << before.status();
  std::FILE* file = std::fopen("/dev/null", "r");
  ASSERT_NE(file, nullptr);
  const absl::StatusOr<int64_t> open = OpenHandleCount(CurrentProcessId());
  std::fclose(file);
  const absl::StatusOr<int64_t> after = OpenHandleCount(CurrentProcessId());
  ASSERT_TRUE(open.ok()) << open.status();
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_EQ(*open, *before + 1);
  EXPECT_EQ(*after, *before);
}

TEST_F(ProcessStatsTest, ThreadCpuTimeGrowsWhileThisThreadComputes) {
  ExpectGrowthWhileComputing([] { return platform::ThreadCpuTime(); });
}

TEST_F(ProcessStatsTest, ThreadCpuTimeBarelyGrowsWhileThisThreadSleeps) {
  // Another thread computes meanwhile: its CPU is the process's, not this
  // thread's.
  std::atomic<bool> stop{false};
  std::thread busy([&stop] {
    while (!stop.load()) Spin(100'000);
  });
  const absl::StatusOr<absl::Duration> before = platform::ThreadCpuTime();
  absl::SleepFor(absl::Milliseconds(500));
  const absl::StatusOr<absl::Duration> after = platform::ThreadCpuTime();
  stop = true;
  busy.join();
  ASSERT_TRUE(before.ok()) << before.status();
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_GE(*after, *before);
  EXPECT_LT(*after - *before, absl::Milliseconds(250))
      << "a sleeping thread was charged the busy thread's CPU";
}

}  // namespace
}  // namespace zerobuffer::testing

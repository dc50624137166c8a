// Readings of how much CPU a process used over an interval, and how many
// handles and how much memory it holds, for the steps that check waiting is
// free, copying is cheap and long runs leak nothing. A reading that cannot be
// taken fails the step (StepFailure) with the OS's reason.

#ifndef ZEROBUFFER_STEPS_SYSTEM_PROCESS_USAGE_H_
#define ZEROBUFFER_STEPS_SYSTEM_PROCESS_USAGE_H_

#include <chrono>
#include <cstdint>
#include <string>

#include "absl/time/time.h"
#include "platform/process.h"

namespace zerobuffer::steps {

struct UsageSample {
  std::chrono::steady_clock::time_point when;
  absl::Duration cpu;  // user + system since the process started
};

UsageSample SampleUsage(platform::ProcessId pid);

// What a process used between two samples.
struct Usage {
  absl::Duration wall;
  absl::Duration cpu;

  // CPU per wall time: 1.0 is one core kept busy.
  double share() const;
  // "12 ms CPU in 1.50 s (0.8 % of a core)".
  std::string Describe() const;
};

Usage UsageBetween(const UsageSample& from, const UsageSample& to);

// The fewest handles `pid` held over a few readings a millisecond apart:
// threads that open something for a moment (a liveness probe, a buffer
// lookup) must not look like a leak.
int64_t OpenHandles(platform::ProcessId pid);

// The bytes of `pid`'s memory resident now.
uint64_t ResidentBytes(platform::ProcessId pid);

}  // namespace zerobuffer::steps

#endif  // ZEROBUFFER_STEPS_SYSTEM_PROCESS_USAGE_H_

#include "steps/system/process_usage.h"

#include <algorithm>
#include <limits>
#include <thread>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "platform/process_stats.h"
#include "steps/step_failure.h"

namespace zerobuffer::steps {

UsageSample SampleUsage(platform::ProcessId pid) {
  const auto when = std::chrono::steady_clock::now();
  const absl::StatusOr<absl::Duration> cpu = platform::ProcessCpuTime(pid);
  if (!cpu.ok()) {
    throw StepFailure(absl::StrCat("cannot read the CPU time of process ", pid,
                                   ": ", cpu.status().ToString()));
  }
  return {when, *cpu};
}

double Usage::share() const {
  return wall > absl::ZeroDuration() ? absl::FDivDuration(cpu, wall) : 0.0;
}

std::string Usage::Describe() const {
  return absl::StrFormat("%s CPU in %s (%.1f %% of a core)",
                         absl::FormatDuration(cpu), absl::FormatDuration(wall),
                         100 * share());
}

Usage UsageBetween(const UsageSample& from, const UsageSample& to) {
  return {absl::FromChrono(to.when - from.when), to.cpu - from.cpu};
}

int64_t OpenHandles(platform::ProcessId pid) {
  constexpr int kReadings = 5;
  int64_t fewest = std::numeric_limits<int64_t>::max();
  for (int reading = 0; reading < kReadings; ++reading) {
    if (reading > 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    const absl::StatusOr<int64_t> count = platform::OpenHandleCount(pid);
    if (!count.ok()) {
      throw StepFailure(
          absl::StrCat("cannot count the open handles of process ", pid, ": ",
                       count.status().ToString()));
    }
    fewest = std::min(fewest, *count);
  }
  return fewest;
}

uint64_t ResidentBytes(platform::ProcessId pid) {
  const absl::StatusOr<uint64_t> bytes = platform::ResidentSetBytes(pid);
  if (!bytes.ok()) {
    throw StepFailure(
        absl::StrCat("cannot read the resident memory of process ", pid, ": ",
                     bytes.status().ToString()));
  }
  return *bytes;
}

}  // namespace zerobuffer::steps

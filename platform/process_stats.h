// How much of the machine a process uses: its CPU time, its open handles
// and its resident memory. For the scenario steps that check a blocked
// reader or writer does not burn a core, and that long runs leave nothing
// open or allocated behind them.

#ifndef ZEROBUFFER_PLATFORM_PROCESS_STATS_H_
#define ZEROBUFFER_PLATFORM_PROCESS_STATS_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "platform/process.h"

namespace zerobuffer::platform {

// User plus system CPU time `pid` has used since it started, all threads
// together, ended ones included. Linux reports the scheduler's nanosecond
// accounting; Windows updates its figure once per clock tick (about 15.6 ms).
// kNotFound when no such process exists.
absl::StatusOr<absl::Duration> ProcessCpuTime(ProcessId pid);

// How many file descriptors (handles on Windows) `pid` has open now.
// kNotFound when no such process exists.
absl::StatusOr<int64_t> OpenHandleCount(ProcessId pid);

// The bytes of `pid`'s memory resident in RAM now (its working set on
// Windows), mapped shared memory included. kNotFound when no such process
// exists.
absl::StatusOr<uint64_t> ResidentSetBytes(ProcessId pid);

// User plus system CPU time the calling thread has used since it started.
// For costs that belong to one thread of a process whose other threads
// work too. Linux reports the scheduler's nanosecond accounting; Windows
// updates its figure once per clock tick (about 15.6 ms).
absl::StatusOr<absl::Duration> ThreadCpuTime();

}  // namespace zerobuffer::platform

#endif  // ZEROBUFFER_PLATFORM_PROCESS_STATS_H_

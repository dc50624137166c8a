// The CPU time a process has used, from /proc (Linux only, like the
// benchmarks that need it).

#ifndef ZEROBUFFER_BENCHMARKS_PROC_CPU_TIME_H_
#define ZEROBUFFER_BENCHMARKS_PROC_CPU_TIME_H_

#include <chrono>

#include "platform/process.h"

namespace zerobuffer::bench {

// User plus system time of all threads of `pid`, in nanoseconds: the sum of
// /proc/<pid>/task/*/schedstat. platform::ProcessCpuTime reads
// /proc/<pid>/stat, whose 10 ms ticks cannot tell an idle reader's ~1 ms
// per second from nothing. Throws std::runtime_error when /proc has no such
// process.
std::chrono::nanoseconds ProcessCpuTime(platform::ProcessId pid);

}  // namespace zerobuffer::bench

#endif  // ZEROBUFFER_BENCHMARKS_PROC_CPU_TIME_H_

// The CPU time a process has used, as the benchmarks take it:
// platform::ProcessCpuTime in std::chrono units, with a failure thrown so
// that it ends the benchmark (see run_or_skip.h).

#ifndef ZEROBUFFER_BENCHMARKS_PROC_CPU_TIME_H_
#define ZEROBUFFER_BENCHMARKS_PROC_CPU_TIME_H_

#include <chrono>

#include "platform/process.h"

namespace zerobuffer::bench {

// User plus system time of all threads of `pid`. Throws std::runtime_error
// when there is no such process.
std::chrono::nanoseconds ProcessCpuTime(platform::ProcessId pid);

}  // namespace zerobuffer::bench

#endif  // ZEROBUFFER_BENCHMARKS_PROC_CPU_TIME_H_

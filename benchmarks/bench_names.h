// Names for the buffers, semaphores and segments the benchmarks create.

#ifndef ZEROBUFFER_BENCHMARKS_BENCH_NAMES_H_
#define ZEROBUFFER_BENCHMARKS_BENCH_NAMES_H_

#include <string>

namespace zerobuffer::bench {

// Every object a benchmark creates starts with this, so the smoke test can
// find anything a run left behind in /dev/shm.
inline constexpr char kBenchNamePrefix[] = "zbbench-";

// "zbbench-<pid>-<n>-<tag>": unique per process and call, so concurrent runs
// and successive benchmark invocations never meet each other's objects.
std::string UniqueName(const std::string& tag);

}  // namespace zerobuffer::bench

#endif  // ZEROBUFFER_BENCHMARKS_BENCH_NAMES_H_

// Per-iteration latencies and the counters the latency benchmarks report.

#ifndef ZEROBUFFER_BENCHMARKS_LATENCY_STATS_H_
#define ZEROBUFFER_BENCHMARKS_LATENCY_STATS_H_

#include <chrono>
#include <cstdint>
#include <vector>

#include "benchmark/benchmark.h"

namespace zerobuffer::bench {

// Microseconds. Percentiles by nearest rank.
struct LatencySummary {
  double min_us = 0;
  double mean_us = 0;
  double p50_us = 0;
  double p90_us = 0;
  double p99_us = 0;
  double p99_9_us = 0;
  double max_us = 0;
};

// Collects one duration per benchmark iteration.
class LatencySamples {
 public:
  using Clock = std::chrono::steady_clock;

  // Room for every iteration, so recording never allocates mid-run.
  explicit LatencySamples(const benchmark::State& state) {
    samples_ns_.reserve(static_cast<size_t>(state.max_iterations));
  }

  void Add(Clock::duration elapsed) {
    samples_ns_.push_back(
        std::chrono::duration_cast<std::chrono::nanoseconds>(elapsed).count());
  }

  // Runs `operation`, records how long it took and returns that.
  template <typename Operation>
  Clock::duration Time(Operation&& operation) {
    const Clock::time_point start = Clock::now();
    operation();
    const Clock::duration elapsed = Clock::now() - start;
    Add(elapsed);
    return elapsed;
  }

  // Sorts the samples; an empty set summarises as all zeros.
  LatencySummary Summarize();

 private:
  std::vector<int64_t> samples_ns_;
};

// Sets the counters min, mean, p50, p90, p99, p99_9 and max (microseconds).
void ReportLatency(benchmark::State& state, const LatencySummary& summary);

}  // namespace zerobuffer::bench

#endif  // ZEROBUFFER_BENCHMARKS_LATENCY_STATS_H_

#include "benchmarks/latency_stats.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace zerobuffer::bench {
namespace {

double Micros(int64_t nanoseconds) { return nanoseconds / 1e3; }

}  // namespace

LatencySummary LatencySamples::Summarize() {
  if (samples_ns_.empty()) return {};
  std::sort(samples_ns_.begin(), samples_ns_.end());
  const auto percentile = [this](double fraction) {
    const size_t rank = static_cast<size_t>(
        std::ceil(fraction * static_cast<double>(samples_ns_.size())));
    return Micros(samples_ns_[std::max<size_t>(rank, 1) - 1]);
  };
  const double total_ns =
      std::accumulate(samples_ns_.begin(), samples_ns_.end(), 0.0);
  return LatencySummary{
      .min_us = Micros(samples_ns_.front()),
      .mean_us = total_ns / 1e3 / static_cast<double>(samples_ns_.size()),
      .p50_us = percentile(0.50),
      .p90_us = percentile(0.90),
      .p99_us = percentile(0.99),
      .p99_9_us = percentile(0.999),
      .max_us = Micros(samples_ns_.back()),
  };
}

void ReportLatency(benchmark::State& state, const LatencySummary& summary) {
  state.counters["min"] = summary.min_us;
  state.counters["mean"] = summary.mean_us;
  state.counters["p50"] = summary.p50_us;
  state.counters["p90"] = summary.p90_us;
  state.counters["p99"] = summary.p99_us;
  state.counters["p99_9"] = summary.p99_9_us;
  state.counters["max"] = summary.max_us;
}

}  // namespace zerobuffer::bench

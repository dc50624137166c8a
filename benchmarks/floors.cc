#include "benchmarks/floors.h"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <map>
#include <vector>

#include "benchmarks/latency_stats.h"
#include "benchmarks/ping_pong.h"
#include "benchmarks/run_or_skip.h"

namespace zerobuffer::bench {
namespace {

using Clock = std::chrono::steady_clock;

constexpr int kWarmUpRoundTrips = 200;
// A memcpy floor measured on first use copies this much in all.
constexpr int64_t kCalibrationCopyBytes = int64_t{256} << 20;

std::map<int64_t, double>& MemcpySecondsBySize() {
  static std::map<int64_t, double> seconds_per_copy;
  return seconds_per_copy;
}

// Two buffers of `bytes`, written once so every page is backed before any
// copy is timed.
struct CopyBuffers {
  explicit CopyBuffers(int64_t bytes)
      : source(static_cast<size_t>(bytes), std::byte{1}),
        destination(static_cast<size_t>(bytes), std::byte{2}) {}

  void Copy() {
    std::memcpy(destination.data(), source.data(), source.size());
    benchmark::ClobberMemory();
  }

  std::vector<std::byte> source;
  std::vector<std::byte> destination;
};

template <typename PingPong>
void RunPingPongFloor(benchmark::State& state) {
  RunOrSkip(state, [&] {
    PingPong ping_pong;
    for (int i = 0; i < kWarmUpRoundTrips; ++i) ping_pong.RoundTrip();
    LatencySamples samples(state);
    for (auto _ : state) samples.Time([&] { ping_pong.RoundTrip(); });
    ping_pong.Stop();
    ReportLatency(state, samples.Summarize());
  });
}

}  // namespace

void BM_MemcpyFloor(benchmark::State& state) {
  const int64_t bytes = state.range(0);
  CopyBuffers buffers(bytes);
  buffers.Copy();
  const Clock::time_point start = Clock::now();
  for (auto _ : state) buffers.Copy();
  const double per_copy =
      std::chrono::duration<double>(Clock::now() - start).count() /
      static_cast<double>(state.iterations());
  MemcpySecondsBySize()[bytes] = per_copy;
  state.SetBytesProcessed(state.iterations() * bytes);
  state.counters["GBps"] = static_cast<double>(bytes) / per_copy / 1e9;
  state.counters["us_per_copy"] = per_copy * 1e6;
}

void BM_SemaphorePingPongFloor(benchmark::State& state) {
  RunPingPongFloor<SemaphorePingPong>(state);
}

void BM_SpinPingPongFloor(benchmark::State& state) {
  RunPingPongFloor<SpinPingPong>(state);
}

double MemcpySecondsPerCopy(int64_t bytes) {
  std::map<int64_t, double>& known = MemcpySecondsBySize();
  if (const auto found = known.find(bytes); found != known.end()) {
    return found->second;
  }
  CopyBuffers buffers(bytes);
  buffers.Copy();
  const int64_t copies = std::max<int64_t>(10, kCalibrationCopyBytes / bytes);
  const Clock::time_point start = Clock::now();
  for (int64_t i = 0; i < copies; ++i) buffers.Copy();
  const double per_copy =
      std::chrono::duration<double>(Clock::now() - start).count() /
      static_cast<double>(copies);
  known[bytes] = per_copy;
  return per_copy;
}

double MemcpyBytesPerSecond(int64_t bytes) {
  return static_cast<double>(bytes) / MemcpySecondsPerCopy(bytes);
}

}  // namespace zerobuffer::bench

// Buffer utilisation over time with a slower reader: this process writes
// 64 KiB frames at a fixed rate into a 4 MiB ring for a while, then stops;
// a reader process takes about one frame per millisecond. The fill level
// (1 - free / ring, from the OIEB) is sampled throughout: how soon it
// crosses 80 %, how high it gets, and how long it takes to fall back once
// the writer stops.

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <optional>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "benchmark/benchmark.h"
#include "benchmarks/bench_names.h"
#include "benchmarks/frame_sizes.h"
#include "benchmarks/peer_process.h"
#include "benchmarks/run_or_skip.h"
#include "benchmarks/spin_options.h"
#include "zerobuffer/zerobuffer.h"

namespace zerobuffer::bench {
namespace {

using Clock = std::chrono::steady_clock;

constexpr int64_t kFrameBytes = 64 * kKiB;
constexpr size_t kRingBytes = 4 * kMiB;
constexpr std::chrono::microseconds kReaderDelay{1000};
constexpr std::chrono::milliseconds kWritePhase{200};
constexpr std::chrono::milliseconds kSampleInterval{1};
constexpr std::chrono::seconds kDrainLimit{5};
constexpr double kDegraded = 0.8;

double Milliseconds(Clock::duration duration) {
  return std::chrono::duration<double, std::milli>(duration).count();
}

// What one write-then-drain episode showed; times from its start.
struct Episode {
  std::optional<Clock::duration> degraded_after;
  Clock::duration recovered_after_stop{0};
  Clock::duration drained_after_stop{0};
  double peak = 0;
  double mean_while_writing = 0;
  double writer_frames_per_second = 0;
};

Episode RunEpisode(Writer& writer, int64_t frames_per_second,
                   std::vector<std::byte>& frame) {
  Episode episode;
  const auto period =
      std::chrono::duration_cast<Clock::duration>(std::chrono::seconds(1)) /
      frames_per_second;
  const Clock::time_point start = Clock::now();
  const Clock::time_point write_end = start + kWritePhase;
  double utilization_sum = 0;
  int64_t written = 0;
  for (Clock::time_point next = start; Clock::now() < write_end;) {
    std::this_thread::sleep_until(next);
    // Blocks while the ring is full: the writer cannot outrun the reader
    // by more than the ring.
    writer.write_frame(frame.data(), frame.size());
    ++written;
    const double utilization = writer.oieb_snapshot().PayloadUsedFraction();
    utilization_sum += utilization;
    episode.peak = std::max(episode.peak, utilization);
    if (!episode.degraded_after && utilization >= kDegraded) {
      episode.degraded_after = Clock::now() - start;
    }
    // A writer held up by a full ring does not catch up in a burst.
    next = std::max(next + period, Clock::now());
  }
  const Clock::time_point stopped = Clock::now();
  episode.mean_while_writing = utilization_sum / static_cast<double>(written);
  episode.writer_frames_per_second =
      static_cast<double>(written) /
      std::chrono::duration<double>(stopped - start).count();

  bool recovered = false;
  while (true) {
    const double utilization = writer.oieb_snapshot().PayloadUsedFraction();
    const Clock::duration since_stop = Clock::now() - stopped;
    if (!recovered && utilization < kDegraded) {
      recovered = true;
      episode.recovered_after_stop = since_stop;
    }
    if (utilization == 0) {
      episode.drained_after_stop = since_stop;
      return episode;
    }
    if (since_stop > kDrainLimit) {
      throw std::runtime_error("the reader stopped draining the ring");
    }
    std::this_thread::sleep_for(kSampleInterval);
  }
}

// Arg: the writer's frames per second (the reader manages about 1000).
void BM_BufferUtilization(benchmark::State& state) {
  const int64_t frames_per_second = state.range(0);
  RunOrSkip(state, [&] {
    const std::string name = UniqueName("utilization");
    PeerProcess reader = PeerProcess::Start(
        "paced_reader", {name, absl::StrCat(kRingBytes),
                         absl::StrCat(DefaultSpinBeforeBlock().count()),
                         absl::StrCat(kReaderDelay.count())});
    std::optional<Writer> writer(std::in_place, name);
    std::vector<std::byte> frame(kFrameBytes, std::byte{0x5a});

    double degraded_ms = 0;
    double degraded_episodes = 0;
    double recovery_ms = 0;
    double drain_ms = 0;
    double peak = 0;
    double mean = 0;
    double writer_fps = 0;
    for (auto _ : state) {
      const Episode episode = RunEpisode(*writer, frames_per_second, frame);
      if (episode.degraded_after) {
        degraded_ms += Milliseconds(*episode.degraded_after);
        ++degraded_episodes;
      }
      recovery_ms += Milliseconds(episode.recovered_after_stop);
      drain_ms += Milliseconds(episode.drained_after_stop);
      peak = std::max(peak, episode.peak);
      mean += episode.mean_while_writing;
      writer_fps += episode.writer_frames_per_second;
    }
    writer.reset();
    reader.Finish();

    const double episodes = static_cast<double>(state.iterations());
    // Averages over the episodes; time to 80 % over those that got there.
    state.counters["degraded_episodes_pct"] =
        100 * degraded_episodes / episodes;
    state.counters["time_to_80pct_ms"] =
        degraded_episodes > 0 ? degraded_ms / degraded_episodes : 0;
    state.counters["recovery_ms"] = recovery_ms / episodes;
    state.counters["drain_ms"] = drain_ms / episodes;
    state.counters["peak_util_pct"] = 100 * peak;
    state.counters["mean_util_pct"] = 100 * mean / episodes;
    state.counters["writer_fps"] = writer_fps / episodes;
  });
}

BENCHMARK(BM_BufferUtilization)
    ->ArgName("writer_fps")
    ->Arg(500)
    ->Arg(2000)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace zerobuffer::bench

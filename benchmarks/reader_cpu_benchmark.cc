// What waiting costs the reader: the CPU time (platform::ProcessCpuTime,
// the process's CPU-time clock) of a reader process while frames arrive at
// a given rate, or none at all. A blocked
// reader must not burn a core; a spinning one pays at most its spin per
// frame.

#include <chrono>
#include <cstdint>
#include <optional>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "benchmark/benchmark.h"
#include "benchmarks/bench_names.h"
#include "benchmarks/frame_sizes.h"
#include "benchmarks/or_throw.h"
#include "benchmarks/peer_process.h"
#include "benchmarks/run_or_skip.h"
#include "benchmarks/spin_options.h"
#include "platform/process_stats.h"
#include "zerobuffer/zerobuffer.h"

namespace zerobuffer::bench {
namespace {

using Clock = std::chrono::steady_clock;

// Each iteration watches the reader this long.
constexpr std::chrono::milliseconds kWindow{250};

// Args: frames per second (0 = a connected writer that writes nothing);
// 0 = the reader blocks at once, 1 = default spin.
void BM_ReaderCpu(benchmark::State& state) {
  const int64_t frames_per_second = state.range(0);
  const std::chrono::microseconds spin = SpinFor(state.range(1));
  RunOrSkip(state, [&] {
    state.SetLabel(absl::StrCat(state.range(1) != 0 ? "spin " : "block ",
                                spin.count(), " us"));
    const std::string name = UniqueName("cpu");
    PeerProcess reader = PeerProcess::Start(
        "paced_reader", {name, absl::StrCat(RingBytesFor(kKiB, 4)),
                         absl::StrCat(spin.count()), "0"});
    std::optional<Writer> writer(std::in_place, name);
    std::vector<std::byte> frame(kKiB, std::byte{0x5a});
    uint64_t written = 0;

    const auto reader_cpu_time = [&reader] {
      return OrThrow(platform::ProcessCpuTime(reader.pid()),
                     "the reader's CPU time");
    };
    const absl::Duration cpu_before = reader_cpu_time();
    const Clock::time_point start = Clock::now();
    for (auto _ : state) {
      const Clock::time_point window_end = Clock::now() + kWindow;
      if (frames_per_second == 0) {
        std::this_thread::sleep_until(window_end);
        continue;
      }
      const auto period =
          std::chrono::duration_cast<Clock::duration>(std::chrono::seconds(1)) /
          frames_per_second;
      for (Clock::time_point next = Clock::now(); next < window_end;
           next += period) {
        std::this_thread::sleep_until(next);
        writer->write_frame(frame.data(), frame.size());
        ++written;
      }
    }
    const double seconds =
        std::chrono::duration<double>(Clock::now() - start).count();
    const double cpu_ms =
        absl::ToDoubleMilliseconds(reader_cpu_time() - cpu_before);
    // The reader ends when its writer leaves.
    writer.reset();
    reader.Finish();

    state.counters[frames_per_second == 0 ? "cpu_ms_per_idle_s"
                                          : "cpu_ms_per_s"] = cpu_ms / seconds;
    state.counters["frames_per_s"] = static_cast<double>(written) / seconds;
  });
}

BENCHMARK(BM_ReaderCpu)
    ->ArgNames({"rate", "spin"})
    ->ArgsProduct({{0, 100, 1000, 10000}, {0, 1}})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace zerobuffer::bench

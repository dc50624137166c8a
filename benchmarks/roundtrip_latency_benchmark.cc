// Round-trip latency across processes, as the upstream benchmark measures
// it: this process writes frame i into buffer "ping", a relay process reads
// it and forwards it into buffer "pong" with its one memcpy, and this
// process reads it back. Frames are produced in place (get_frame_buffer,
// stamp, commit) and read zero-copy, so the relay's copy is the only one.
//
// The floors are benchmarks of their own here too, but the ratios divide
// by floors measured in the same benchmark, interleaved with the round
// trips: on this kind of machine the cost of a wake-up changes several
// times over within a minute (with the load, and with whether the other
// virtual CPU was halted), and only an interleaved floor sees the same
// changes. The memcpy floor is registered first, so the ratios use the
// copy times that BM_MemcpyFloor measured in this run.
//
// Frame round trips are the benchmark's time (manual time); the floors'
// round trips between them are not.

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>

#include "absl/strings/str_cat.h"
#include "benchmark/benchmark.h"
#include "benchmarks/bench_names.h"
#include "benchmarks/floors.h"
#include "benchmarks/frame_sizes.h"
#include "benchmarks/frame_stamp.h"
#include "benchmarks/latency_stats.h"
#include "benchmarks/peer_process.h"
#include "benchmarks/ping_pong.h"
#include "benchmarks/run_or_skip.h"
#include "benchmarks/spin_options.h"
#include "zerobuffer/zerobuffer.h"

namespace zerobuffer::bench {
namespace {

using Clock = std::chrono::steady_clock;

// Frames each ring holds (see RingBytesFor).
constexpr int kRingFrames = 2;

// Far beyond any round trip; reaching it means the relay is stuck.
constexpr std::chrono::seconds kResponseTimeout{10};

// The buffers of one round-trip configuration and its relay process. The
// relay also answers a raw semaphore ping after each frame, so that the
// semaphore floor is measured between the very same two processes: on
// this kind of machine a wake-up costs several times more when the other
// process's virtual CPU was halted than when the two share one, and which
// happens depends on where the scheduler put the pair.
class RoundTripSession {
 public:
  RoundTripSession(int64_t frame_bytes, std::chrono::microseconds spin)
      : frame_bytes_(static_cast<size_t>(frame_bytes)),
        ping_name_(UniqueName("ping")),
        responses_(UniqueName("pong"),
                   BufferConfig(0, RingBytesFor(frame_bytes, kRingFrames)),
                   ReaderWithSpin(spin)) {
    relay_.emplace(PeerProcess::Start(
        "relay",
        {ping_name_, responses_.name(),
         absl::StrCat(RingBytesFor(frame_bytes, kRingFrames)),
         absl::StrCat(spin.count()), floor_.ping_name(), floor_.pong_name()}));
    floor_.RemoveNames();
    requests_.emplace(ping_name_, WriterWithSpin(spin));
  }

  // Without Stop (a failed run), closing our writer makes the relay close
  // its buffer and end by itself; it is killed only if it does not.
  ~RoundTripSession() {
    requests_.reset();
    if (!stopped_ && relay_.has_value()) {
      try {
        relay_->Finish(absl::Seconds(2));
      } catch (const std::exception&) {
        // Failing already; the relay is killed when relay_ goes.
      }
    }
  }

  // One frame there and back, then the relay's semaphore ping-pong (which
  // the relay expects after every frame); returns the frame's time.
  Clock::duration RoundTrip(LatencySamples& frames, LatencySamples& floor) {
    const Clock::duration frame_time = frames.Time([&] { FrameRoundTrip(); });
    floor.Time([&] { floor_.RoundTrip(); });
    return frame_time;
  }

  // Enough round trips to touch every slot of both rings twice, so that no
  // page is first faulted in while being timed.
  void WarmUp() {
    const size_t ring_frames =
        RingBytesFor(static_cast<int64_t>(frame_bytes_), kRingFrames) /
        frame_bytes_;
    const size_t count = std::clamp<size_t>(2 * ring_frames, 10, 2000);
    for (size_t i = 0; i < count; ++i) {
      FrameRoundTrip();
      floor_.RoundTrip();
    }
  }

  void Stop() {
    uint64_t sequence;
    StampFrame(requests_->get_frame_buffer(frame_bytes_, sequence), kStopStamp);
    requests_->commit_frame();
    stopped_ = true;
    relay_->Finish();
  }

 private:
  void FrameRoundTrip() {
    uint64_t sequence;
    StampFrame(requests_->get_frame_buffer(frame_bytes_, sequence), ++stamp_);
    requests_->commit_frame();
    const Frame response = responses_.read_frame(kResponseTimeout);
    if (!response.valid()) {
      throw std::runtime_error("the relay did not answer");
    }
    if (response.size() != frame_bytes_ ||
        FrameStamp(response.span()) != stamp_) {
      throw std::runtime_error(
          absl::StrCat("expected response ", stamp_, ", got another frame"));
    }
  }

  const size_t frame_bytes_;
  const std::string ping_name_;
  SemaphorePair floor_;
  Reader responses_;
  std::optional<PeerProcess> relay_;
  std::optional<Writer> requests_;
  uint64_t stamp_ = 0;
  bool stopped_ = false;
};

// Library round trips between two bursts of spin-floor round trips.
constexpr int64_t kSpinBurst = 32;

// The spin floor between the library's round trips, in bursts: its peer
// spins, so it is woken for each burst and parked after it, never
// competing with the relay for the two CPUs.
class InterleavedSpinFloor {
 public:
  explicit InterleavedSpinFloor(const benchmark::State& state)
      : samples_(state) {
    for (int i = 0; i < kSpinBurst; ++i) ping_pong_.RoundTrip();
    ping_pong_.Pause();
  }

  void MeasureBurst() {
    for (int i = 0; i < kSpinBurst; ++i) {
      samples_.Time([&] { ping_pong_.RoundTrip(); });
    }
    ping_pong_.Pause();
  }

  void Stop() { ping_pong_.Stop(); }
  LatencySummary Summarize() { return samples_.Summarize(); }

 private:
  SpinPingPong ping_pong_;
  LatencySamples samples_;
};

// Args: frame bytes; 0 = both sides block at once, 1 = default spin.
// Only the library's round trips count as the benchmark's time.
void BM_RoundTrip(benchmark::State& state) {
  const int64_t frame_bytes = state.range(0);
  RunOrSkip(state, [&] {
    state.SetLabel(state.range(1) != 0 ? "spin" : "block");
    RoundTripSession session(frame_bytes, SpinFor(state.range(1)));
    InterleavedSpinFloor spin_floor(state);
    session.WarmUp();
    LatencySamples samples(state);
    LatencySamples semaphore_samples(state);
    int64_t until_spin_burst = 0;
    for (auto _ : state) {
      if (until_spin_burst-- == 0) {
        spin_floor.MeasureBurst();
        until_spin_burst = kSpinBurst - 1;
      }
      const Clock::duration frame_time =
          session.RoundTrip(samples, semaphore_samples);
      state.SetIterationTime(std::chrono::duration<double>(frame_time).count());
    }
    session.Stop();
    spin_floor.Stop();
    const LatencySummary latency = samples.Summarize();
    ReportLatency(state, latency);

    const LatencySummary semaphore = semaphore_samples.Summarize();
    const LatencySummary spin = spin_floor.Summarize();
    const double copy_plus_semaphore_us =
        MemcpySecondsPerCopy(frame_bytes) * 1e6 + semaphore.mean_us;
    state.counters["sem_floor_p50"] = semaphore.p50_us;
    state.counters["sem_floor_mean"] = semaphore.mean_us;
    state.counters["spin_floor_p50"] = spin.p50_us;
    state.counters["copy_plus_sem"] = copy_plus_semaphore_us;
    state.counters["p50_over_sem_floor"] = latency.p50_us / semaphore.p50_us;
    state.counters["p50_over_spin_floor"] = latency.p50_us / spin.p50_us;
    state.counters["mean_over_copy_plus_sem"] =
        latency.mean_us / copy_plus_semaphore_us;
  });
}

BENCHMARK(BM_MemcpyFloor)
    ->ArgName("bytes")
    ->Arg(kKiB)
    ->Arg(64 * kKiB)
    ->Arg(kMiB)
    ->Arg(kFullHdYuv420Frame)
    ->Arg(10 * kMiB)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_SemaphorePingPongFloor)
    ->UseRealTime()
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_SpinPingPongFloor)->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_RoundTrip)
    ->ArgNames({"bytes", "spin"})
    ->ArgsProduct({{kKiB, 64 * kKiB, kMiB, kFullHdYuv420Frame, 10 * kMiB},
                   {0, 1}})
    ->UseManualTime()
    ->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace zerobuffer::bench

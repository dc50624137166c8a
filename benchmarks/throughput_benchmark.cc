// One-way throughput across processes: a writer process streams frames as
// fast as the ring allows, by copy (write_frame) or in place
// (get_frame_buffer, stamp, commit), and this process reads them zero-copy,
// checking each frame's stamp. Compared with memcpy bandwidth for the same
// size, measured first in the same run.

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
#include "benchmarks/peer_process.h"
#include "benchmarks/run_or_skip.h"
#include "benchmarks/spin_options.h"
#include "zerobuffer/zerobuffer.h"

namespace zerobuffer::bench {
namespace {

using Clock = std::chrono::steady_clock;

// Frames each ring holds (see RingBytesFor): a few in flight.
constexpr int kRingFrames = 4;

constexpr std::chrono::seconds kFrameTimeout{10};

// The reader here and its writer process.
class StreamSession {
 public:
  StreamSession(int64_t frame_bytes, bool zero_copy,
                std::chrono::microseconds spin)
      : frame_bytes_(static_cast<size_t>(frame_bytes)),
        reader_(UniqueName("stream"),
                BufferConfig(0, RingBytesFor(frame_bytes, kRingFrames)),
                ReaderWithSpin(spin)) {
    writer_.emplace(PeerProcess::Start(
        "stream_writer",
        {reader_.name(), absl::StrCat(frame_bytes),
         zero_copy ? "zero_copy" : "copy", absl::StrCat(spin.count())}));
  }

  void ReadOne() {
    const Frame frame = reader_.read_frame(kFrameTimeout);
    if (!frame.valid()) throw std::runtime_error("the writer stopped");
    if (frame.size() != frame_bytes_ ||
        FrameStamp(frame.span()) != ++expected_stamp_) {
      throw std::runtime_error(
          absl::StrCat("expected frame ", expected_stamp_, ", got another"));
    }
  }

  // Two passes over the ring, so no page is first touched while timed.
  void WarmUp() {
    const size_t ring_frames =
        RingBytesFor(static_cast<int64_t>(frame_bytes_), kRingFrames) /
        frame_bytes_;
    const size_t count = std::clamp<size_t>(2 * ring_frames, 10, 4000);
    for (size_t i = 0; i < count; ++i) ReadOne();
  }

  // Closing the reader ends the writer (ReaderDeadException).
  void Stop() {
    reader_.close();
    writer_->Finish();
  }

 private:
  const size_t frame_bytes_;
  Reader reader_;
  std::optional<PeerProcess> writer_;
  uint64_t expected_stamp_ = 0;
};

// Args: frame bytes; 0 = copy write, 1 = zero-copy write; 0 = block at
// once, 1 = default spin.
void BM_OneWay(benchmark::State& state) {
  const int64_t frame_bytes = state.range(0);
  const bool zero_copy = state.range(1) != 0;
  RunOrSkip(state, [&] {
    state.SetLabel(absl::StrCat(zero_copy ? "zero-copy" : "copy", " write, ",
                                state.range(2) != 0 ? "spin" : "block"));
    StreamSession session(frame_bytes, zero_copy, SpinFor(state.range(2)));
    session.WarmUp();
    const Clock::time_point start = Clock::now();
    for (auto _ : state) session.ReadOne();
    const double seconds =
        std::chrono::duration<double>(Clock::now() - start).count();
    session.Stop();

    const double frames = static_cast<double>(state.iterations());
    const double bytes_per_second = frames * frame_bytes / seconds;
    state.SetBytesProcessed(state.iterations() * frame_bytes);
    state.counters["frames_per_s"] = frames / seconds;
    state.counters["GBps"] = bytes_per_second / 1e9;
    state.counters["memcpy_GBps"] = MemcpyBytesPerSecond(frame_bytes) / 1e9;
    state.counters["over_memcpy"] =
        bytes_per_second / MemcpyBytesPerSecond(frame_bytes);
  });
}

BENCHMARK(BM_MemcpyFloor)
    ->ArgName("bytes")
    ->Arg(kKiB)
    ->Arg(64 * kKiB)
    ->Arg(kMiB)
    ->Arg(10 * kMiB)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_OneWay)
    ->ArgNames({"bytes", "zero_copy", "spin"})
    ->ArgsProduct({{kKiB, 64 * kKiB, kMiB, 10 * kMiB}, {0, 1}, {0, 1}})
    ->UseRealTime()
    ->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace zerobuffer::bench

// Wrap-around overhead: the same frames through a ring 1.5 times the frame
// (every frame wraps) and through a large ring (wraps are rare), written
// and read in this one process so only the library's work differs.
// Batches of each alternate, so drift in the machine's speed hits both.
//
// Zero-copy writes (only the stamp is written) isolate the wrap
// bookkeeping; copy writes add the payload, where the small ring's
// advantage of staying in cache shows as well.

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <stdexcept>
#include <vector>

#include "absl/strings/str_cat.h"
#include "benchmark/benchmark.h"
#include "benchmarks/bench_names.h"
#include "benchmarks/frame_sizes.h"
#include "benchmarks/frame_stamp.h"
#include "benchmarks/run_or_skip.h"
#include "zerobuffer/zerobuffer.h"

namespace zerobuffer::bench {
namespace {

using Clock = std::chrono::steady_clock;

constexpr int kBatch = 16;
constexpr size_t kFrameHeaderBytes = 16;

// A reader and a writer of one buffer in this process.
class Loopback {
 public:
  // Passes a lap of frames, so no page of the ring is first touched
  // while timed.
  Loopback(int64_t frame_bytes, size_t ring_bytes, bool zero_copy)
      : frame_bytes_(static_cast<size_t>(frame_bytes)),
        zero_copy_(zero_copy),
        source_(frame_bytes_, std::byte{0x5a}),
        reader_(UniqueName("wrap"), BufferConfig(0, ring_bytes)),
        writer_(reader_.name()) {
    const size_t lap = ring_bytes / (frame_bytes_ + kFrameHeaderBytes) + 1;
    for (size_t i = 0; i < lap + kBatch; ++i) PassOne();
  }

  void PassOne() {
    ++stamp_;
    if (zero_copy_) {
      uint64_t sequence;
      StampFrame(writer_.get_frame_buffer(frame_bytes_, sequence), stamp_);
      writer_.commit_frame();
    } else {
      StampFrame(source_, stamp_);
      writer_.write_frame(source_.data(), source_.size());
    }
    const Frame frame = reader_.read_frame(std::chrono::seconds(1));
    if (!frame.valid() || FrameStamp(frame.span()) != stamp_) {
      throw std::runtime_error(absl::StrCat("frame ", stamp_, " lost"));
    }
  }

  Clock::duration TimeBatch() {
    const Clock::time_point start = Clock::now();
    for (int i = 0; i < kBatch; ++i) PassOne();
    return Clock::now() - start;
  }

  // Wrap markers written per frame (the counter counts both).
  double WrapsPerFrame() const {
    const double written =
        static_cast<double>(writer_.oieb_snapshot().payload_written_count);
    return (written - static_cast<double>(stamp_)) /
           static_cast<double>(stamp_);
  }

 private:
  const size_t frame_bytes_;
  const bool zero_copy_;
  std::vector<std::byte> source_;
  Reader reader_;
  Writer writer_;
  uint64_t stamp_ = 0;
};

// Args: frame bytes; 0 = copy write, 1 = zero-copy write.
void BM_WrapAround(benchmark::State& state) {
  const int64_t frame_bytes = state.range(0);
  const bool zero_copy = state.range(1) != 0;
  RunOrSkip(state, [&] {
    state.SetLabel(zero_copy ? "zero-copy write" : "copy write");
    const size_t frame_with_header =
        static_cast<size_t>(frame_bytes) + kFrameHeaderBytes;
    Loopback wrapping(frame_bytes, frame_with_header * 3 / 2, zero_copy);
    Loopback large(frame_bytes,
                   std::max<size_t>(16 * kMiB, 64 * frame_with_header),
                   zero_copy);
    Clock::duration wrapping_time{0};
    Clock::duration large_time{0};
    for (auto _ : state) {
      wrapping_time += wrapping.TimeBatch();
      large_time += large.TimeBatch();
    }
    const double frames = static_cast<double>(state.iterations() * kBatch);
    const double wrapping_ns =
        std::chrono::duration<double, std::nano>(wrapping_time).count() /
        frames;
    const double large_ns =
        std::chrono::duration<double, std::nano>(large_time).count() / frames;
    state.counters["ns_per_frame_wrapping"] = wrapping_ns;
    state.counters["ns_per_frame_large_ring"] = large_ns;
    state.counters["overhead_pct"] = (wrapping_ns / large_ns - 1) * 100;
    state.counters["wraps_per_frame"] = wrapping.WrapsPerFrame();
    state.counters["large_ring_wraps_per_frame"] = large.WrapsPerFrame();
  });
}

BENCHMARK(BM_WrapAround)
    ->ArgNames({"bytes", "zero_copy"})
    ->ArgsProduct({{kKiB, 64 * kKiB, kMiB}, {1, 0}})
    ->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace zerobuffer::bench

// The control segment of the raw ping-pong floors, shared by the benchmark
// and its echo peer: one cache line holding one counter.

#ifndef ZEROBUFFER_BENCHMARKS_PING_PONG_LINE_H_
#define ZEROBUFFER_BENCHMARKS_PING_PONG_LINE_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <limits>

namespace zerobuffer::bench {

inline constexpr size_t kPingPongSegmentBytes = 64;

// Counter values with a meaning of their own; pings never reach them.
// Stop: the echo peer leaves. Pause: the spin echo answers Paused and
// blocks on its "go" semaphore until the benchmark wants it again.
inline constexpr uint64_t kPingPongStop = std::numeric_limits<uint64_t>::max();
inline constexpr uint64_t kPingPongPause = kPingPongStop - 1;
inline constexpr uint64_t kPingPongPaused = kPingPongStop - 2;

// For the spin floor the benchmark stores odd values and the echo answers
// with the next even one; the semaphore floor only uses it for the stop
// word. The segment is page-aligned, so the counter has its cache line to
// itself.
inline std::atomic_ref<uint64_t> PingPongCounter(std::byte* segment) {
  return std::atomic_ref<uint64_t>(*reinterpret_cast<uint64_t*>(segment));
}

}  // namespace zerobuffer::bench

#endif  // ZEROBUFFER_BENCHMARKS_PING_PONG_LINE_H_

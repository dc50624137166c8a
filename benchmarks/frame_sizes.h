// The frame sizes the issue names, and the ring each benchmark gives them.

#ifndef ZEROBUFFER_BENCHMARKS_FRAME_SIZES_H_
#define ZEROBUFFER_BENCHMARKS_FRAME_SIZES_H_

#include <algorithm>
#include <cstddef>
#include <cstdint>

namespace zerobuffer::bench {

inline constexpr int64_t kKiB = 1024;
inline constexpr int64_t kMiB = 1024 * kKiB;
// A 1920x1080 YUV420 image and the upstream benchmark's 16-byte header.
inline constexpr int64_t kFullHdYuv420Frame = 1920 * 1080 * 3 / 2 + 16;

// Room for `frames` frames with their headers, and never less than the
// library's default 1 MiB. A round trip has one frame in flight each way
// (two, briefly, while the relay still releases a request), so 2 suffice;
// a stream keeps a few more in flight. The ring's size matters for large
// frames: a copy into and out of slots that no longer sit in the cache
// costs up to twice a copy between two hot buffers.
inline size_t RingBytesFor(int64_t frame_bytes, int frames) {
  constexpr size_t kFrameHeaderBytes = 16;
  return std::max<size_t>(
      1 << 20, static_cast<size_t>(frames) *
                   (static_cast<size_t>(frame_bytes) + kFrameHeaderBytes));
}

}  // namespace zerobuffer::bench

#endif  // ZEROBUFFER_BENCHMARKS_FRAME_SIZES_H_

// The first eight bytes of every benchmark frame: its number, so that each
// side can check it got the frame it waited for, and the stop marker.

#ifndef ZEROBUFFER_BENCHMARKS_FRAME_STAMP_H_
#define ZEROBUFFER_BENCHMARKS_FRAME_STAMP_H_

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <span>

namespace zerobuffer::bench {

// A frame stamped with this ends the peer's loop.
inline constexpr uint64_t kStopStamp = std::numeric_limits<uint64_t>::max();

// Frames are never smaller than the stamp (the smallest size is 1 KiB).
inline void StampFrame(std::span<std::byte> frame, uint64_t stamp) {
  std::memcpy(frame.data(), &stamp, sizeof(stamp));
}

inline uint64_t FrameStamp(std::span<const std::byte> frame) {
  uint64_t stamp;
  std::memcpy(&stamp, frame.data(), sizeof(stamp));
  return stamp;
}

}  // namespace zerobuffer::bench

#endif  // ZEROBUFFER_BENCHMARKS_FRAME_STAMP_H_

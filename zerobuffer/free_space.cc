#include "zerobuffer/free_space.h"

#include <limits>

#include "zerobuffer/layout.h"

namespace zerobuffer {

WritePlan PlanWrite(uint64_t ring_size, uint64_t write_pos,
                    uint64_t frame_bytes, uint64_t free_bytes) {
  using Kind = WritePlan::Kind;
  const uint64_t tail = ring_size - write_pos;
  const bool can_wrap = frame_bytes <= write_pos;
  if (frame_bytes <= tail) {
    const uint64_t left_after = tail - frame_bytes;
    const bool leaves_short_tail =
        left_after > 0 && left_after < kFrameHeaderSize;
    if (leaves_short_tail && can_wrap && free_bytes >= tail + frame_bytes) {
      return {Kind::kWrapWithMarker, tail + frame_bytes, tail};
    }
    return {Kind::kInPlace, frame_bytes, 0};
  }
  if (!can_wrap) {
    return {Kind::kNeverFits, std::numeric_limits<uint64_t>::max(), 0};
  }
  const Kind kind =
      tail >= kFrameHeaderSize ? Kind::kWrapWithMarker : Kind::kWrapShortTail;
  return {kind, tail + frame_bytes, tail};
}

WritePlan PlanWriteFor(const OIEB& oieb, uint64_t frame_bytes) {
  return PlanWrite(oieb.payload_size,
                   oieb.payload_write_pos % oieb.payload_size, frame_bytes,
                   oieb.payload_free_bytes);
}

}  // namespace zerobuffer

// The writer's space rule (protocol.md 6.2) and wrap decision (7.4) as pure
// arithmetic, so every case can be tested without shared memory.

#ifndef ZEROBUFFER_ZEROBUFFER_FREE_SPACE_H_
#define ZEROBUFFER_ZEROBUFFER_FREE_SPACE_H_

#include <cstdint>

#include "zerobuffer/layout.h"

namespace zerobuffer {

// How a frame occupying `frame_bytes` (T = 16 + payload) is placed.
struct WritePlan {
  enum class Kind {
    // Header at the write position.
    kInPlace,
    // Wrap marker {0, 0} at the write position, frame at offset 0.
    kWrapWithMarker,
    // The 1..15 bytes left before the ring end cannot hold a marker: they
    // are zeroed and skipped, and the frame goes to offset 0.
    kWrapShortTail,
    // T > P - W and T > W: the frame fits neither before the ring end nor
    // in front of the bytes at W, so no amount of reading helps.
    kNeverFits,
  };

  Kind kind;
  // payload_free_bytes must reach this before the frame is placed; for
  // kNeverFits no count can (the maximum).
  uint64_t required_free;
  // Bytes before the ring end given up by a wrap (0 when it does not wrap).
  uint64_t waste;

  bool wraps() const {
    return kind == Kind::kWrapWithMarker || kind == Kind::kWrapShortTail;
  }
};

// Plans a frame of `frame_bytes` with the write position at `write_pos` in a
// ring of `ring_size` bytes when `free_bytes` are currently free.
//
// The need is T when the frame fits before the ring end, otherwise the tail
// plus T (fix 961910f: the wrap gives up the tail). One refinement keeps
// every upstream reader working: when writing in place would leave a tail of
// 1..15 bytes, where no marker fits, and wrapping is already affordable, the
// writer wraps now instead.
//
// Requires 16 < frame_bytes <= ring_size and write_pos < ring_size.
WritePlan PlanWrite(uint64_t ring_size, uint64_t write_pos,
                    uint64_t frame_bytes, uint64_t free_bytes);

// PlanWrite for the ring an OIEB (a snapshot) describes: its payload size,
// its write position taken modulo that size, as a writer takes it when it
// connects, and its free bytes.
WritePlan PlanWriteFor(const OIEB& oieb, uint64_t frame_bytes);

}  // namespace zerobuffer

#endif  // ZEROBUFFER_ZEROBUFFER_FREE_SPACE_H_

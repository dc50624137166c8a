// The reader's checks on what it finds at its read position (protocol.md
// 5.3 and 7.4), as pure functions.

#ifndef ZEROBUFFER_ZEROBUFFER_FRAME_HEADER_CHECK_H_
#define ZEROBUFFER_ZEROBUFFER_FRAME_HEADER_CHECK_H_

#include <cstdint>
#include <string>

#include "zerobuffer/layout.h"

namespace zerobuffer {

// Bytes before the ring end that the reader skips without reading a header:
// a tail of 1..15 bytes cannot hold one, so the writer wrapped from there
// without a marker. 0 when a header fits at `read_pos`.
constexpr uint64_t ImplicitWrapBytes(uint64_t ring_size, uint64_t read_pos) {
  const uint64_t tail = ring_size - read_pos;
  return tail < kFrameHeaderSize ? tail : 0;
}

enum class FrameHeaderProblem {
  kNone,
  // payload_size 0 where a frame must be (after a marker, or a marker at
  // offset 0, where no writer ever wraps).
  kZeroSize,
  // The frame would run past the ring end; no writer lets a frame straddle.
  kPastRingEnd,
  kSequenceMismatch,
};

// Checks the header of a real frame (not a wrap marker) at `read_pos`.
// Structural problems are reported before a sequence mismatch: a corrupt
// size makes the sequence number meaningless.
FrameHeaderProblem CheckFrameHeader(const FrameHeader& header,
                                    uint64_t read_pos, uint64_t ring_size,
                                    uint64_t expected_sequence);

// A message naming the problem and the numbers behind it.
std::string DescribeFrameHeaderProblem(FrameHeaderProblem problem,
                                       const FrameHeader& header,
                                       uint64_t read_pos, uint64_t ring_size);

}  // namespace zerobuffer

#endif  // ZEROBUFFER_ZEROBUFFER_FRAME_HEADER_CHECK_H_

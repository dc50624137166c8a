#include "zerobuffer/frame_header_check.h"

#include "absl/strings/str_cat.h"

namespace zerobuffer {

FrameHeaderProblem CheckFrameHeader(const FrameHeader& header,
                                    uint64_t read_pos, uint64_t ring_size,
                                    uint64_t expected_sequence) {
  if (header.payload_size == 0) return FrameHeaderProblem::kZeroSize;
  // Written to avoid overflow for any stored size.
  const uint64_t room = ring_size - read_pos - kFrameHeaderSize;
  if (read_pos + kFrameHeaderSize > ring_size || header.payload_size > room) {
    return FrameHeaderProblem::kPastRingEnd;
  }
  if (header.sequence_number != expected_sequence) {
    return FrameHeaderProblem::kSequenceMismatch;
  }
  return FrameHeaderProblem::kNone;
}

std::string DescribeFrameHeaderProblem(FrameHeaderProblem problem,
                                       const FrameHeader& header,
                                       uint64_t read_pos, uint64_t ring_size) {
  switch (problem) {
    case FrameHeaderProblem::kNone:
      return "frame header is valid";
    case FrameHeaderProblem::kZeroSize:
      return absl::StrCat("Invalid frame size: 0 at ring offset ", read_pos);
    case FrameHeaderProblem::kPastRingEnd:
      return absl::StrCat("Frame extends past buffer boundary: ",
                          header.payload_size, "-byte frame at ring offset ",
                          read_pos, " in a ", ring_size, "-byte ring");
    case FrameHeaderProblem::kSequenceMismatch:
      return absl::StrCat("sequence ", header.sequence_number,
                          " at ring offset ", read_pos);
  }
  return "unknown frame header problem";
}

}  // namespace zerobuffer

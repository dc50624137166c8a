// What the feature-04 steps share: remembering where a frame landed in the
// ring, checking it there in shared memory, walking the frames still
// queued between the read and write positions, and probing whether the
// writer has to wait for space.

#ifndef ZEROBUFFER_STEPS_EDGE_CASES_RING_INSPECTION_H_
#define ZEROBUFFER_STEPS_EDGE_CASES_RING_INSPECTION_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "steps/context.h"
#include "steps/support/segment_access.h"
#include "zerobuffer/zerobuffer.h"

namespace zerobuffer::steps {

// A frame this process wrote, and where its header went.
struct RecordedWrite {
  uint64_t offset = 0;  // ring offset of the header
  uint64_t size = 0;    // payload bytes
  uint64_t sequence = 0;
  std::vector<std::byte> payload;
};

// The last frame the feature-04 writer steps wrote in this process.
struct EdgeWriteState {
  std::optional<RecordedWrite> last;
};

// Writes `payload` with the writer's own timeout and records where it
// landed (from the write position the OIEB shows afterwards).
RecordedWrite WriteAndRecord(Writer& writer,
                             std::span<const std::byte> payload);

// OK when the header at `write.offset` and the bytes after it are those of
// `write`.
absl::Status ExpectFrameInRing(const SegmentAccess& segment,
                               const RecordedWrite& write);

// The last frame the feature-04 writer steps wrote in this process, checked
// in the ring of this process's writer (ExpectFrameInRing); a failure when
// none was written or it is not there as written.
absl::StatusOr<RecordedWrite> LastWriteInRing(StepContext& context);

// The items between the read position and the last committed frame.
struct QueuedItems {
  std::vector<FrameHeader> frames;
  std::vector<uint64_t> offsets;  // ring offset of each frame's header
  uint64_t markers = 0;
  // Ring bytes they hold: frames with headers, plus skipped tails.
  uint64_t bytes = 0;
};

// Follows the ring from payload_read_pos through payload_written_count -
// payload_read_count items, stepping over wrap markers and 1..15-byte tails
// as a reader does (protocol.md 3.5, 7.4). Fails on a header no writer
// writes. Only meaningful while nothing in this process writes.
absl::StatusOr<QueuedItems> WalkQueuedItems(const SegmentAccess& segment);

// Tries a 1-byte frame with `patience` as the write timeout: OK when the
// writer waited that long and gave up with BufferFullException (the ring
// has no room for any frame); a failure when the write went through or
// failed for another reason. Nothing is written when it is OK.
absl::Status ExpectWriteToWait(Writer& writer, absl::Duration patience);

// "90%" -> 90. Fails unless it is a number in (0, 100] followed by '%'.
absl::StatusOr<double> ParsePercent(const std::string& text);

// The OIEB as this process's writer sees it, or its reader when it has no
// writer: for the sentences Harmony routes to whichever process came last.
OIEB CurrentOieb(StepContext& context);

// "free 0 of 10240, write_pos 0, read_pos 0, written 1, read 0": the OIEB
// fields steps quote in their messages.
std::string DescribeRing(const OIEB& oieb);

}  // namespace zerobuffer::steps

#endif  // ZEROBUFFER_STEPS_EDGE_CASES_RING_INSPECTION_H_

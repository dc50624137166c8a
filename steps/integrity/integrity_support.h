// What the steps of features 05, 06 and 12 (corruption detection,
// synchronization, protocol compliance) share: finding the buffer a
// sentence without a name means, the frame the reader takes next, pattern
// checks with readable messages, and the tables Harmony never sends.

#ifndef ZEROBUFFER_STEPS_INTEGRITY_INTEGRITY_SUPPORT_H_
#define ZEROBUFFER_STEPS_INTEGRITY_INTEGRITY_SUPPORT_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "absl/status/status.h"
#include "steps/context.h"
#include "steps/support/segment_access.h"
#include "zerobuffer/zerobuffer.h"

namespace zerobuffer::steps::integrity {

// How long a step waits for a frame the other process has already written
// (or is about to write).
inline constexpr std::chrono::milliseconds kReadTimeout{5000};

// What the last "attempts to read frame" met, beyond the captured error
// (captured_error.h): the numbers of a SequenceError, and the reader's own
// read count before the attempt, to show a rejected frame stays unread.
struct ReadAttempt {
  std::optional<uint64_t> expected_sequence;
  std::optional<uint64_t> got_sequence;
  uint64_t read_count_before = 0;
};

// OK when the reader's OIEB read count is still what it was before the
// last "attempts to read frame": a rejected frame must stay unread, so a
// retry meets the same error. Otherwise a failure with both counts.
absl::Status ExpectFrameLeftUnread(StepContext& context);

// The physical name of the buffer this process works on: its writer's when
// it has one, else its reader's. Sentences such as "the test corrupts ..."
// name no buffer. Throws StepFailure when the process has neither.
std::string CurrentBufferName(StepContext& context);

// The ring offset of the header of the next frame the reader will take,
// stepping over a wrap marker or a tail too short for a header exactly as
// the reader does. Throws StepFailure when every item written has been read.
uint64_t NextUnreadFrameOffset(const SegmentAccess& segment);

// nullopt when `data` follows the pattern (i + sequence) % 256; otherwise a
// message naming `what`, the first wrong byte and both values.
std::optional<std::string> DescribePatternMismatch(
    std::span<const std::byte> data, uint64_t sequence,
    const std::string& what);

// `cell` as a number; throws StepFailure naming `what` otherwise.
uint64_t ParseCount(const std::string& cell, const std::string& what);

}  // namespace zerobuffer::steps::integrity

#endif  // ZEROBUFFER_STEPS_INTEGRITY_INTEGRITY_SUPPORT_H_

#include "steps/integrity/integrity_support.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "steps/step_failure.h"
#include "steps/support/data_patterns.h"
#include "steps/support/endpoints.h"
#include "zerobuffer/frame_header_check.h"

namespace zerobuffer::steps::integrity {
absl::Status ExpectFrameLeftUnread(StepContext& context) {
  const uint64_t before = context.State<ReadAttempt>().read_count_before;
  const uint64_t now =
      context.State<Endpoints>().reader().oieb_snapshot().payload_read_count;
  if (now != before) {
    return Failed(absl::StrCat("payload_read_count went from ", before, " to ",
                               now, ": the rejected frame was consumed"));
  }
  return absl::OkStatus();
}

std::string CurrentBufferName(StepContext& context) {
  Endpoints& endpoints = context.State<Endpoints>();
  if (endpoints.has_writer()) return endpoints.writer().name();
  if (endpoints.has_reader()) return endpoints.reader().name();
  throw StepFailure(
      "this process has neither a reader nor a writer, so there is no "
      "buffer to work on");
}

uint64_t NextUnreadFrameOffset(const SegmentAccess& segment) {
  const OIEB oieb = segment.Snapshot();
  if (oieb.payload_written_count <= oieb.payload_read_count) {
    throw StepFailure(
        absl::StrCat("the ring holds no unread frame (payload_written_count ",
                     oieb.payload_written_count, ", payload_read_count ",
                     oieb.payload_read_count, ")"));
  }
  const uint64_t ring_size = oieb.payload_size;
  const uint64_t read_pos = oieb.payload_read_pos % ring_size;
  if (ImplicitWrapBytes(ring_size, read_pos) > 0) return 0;
  if (read_pos != 0 && segment.HeaderAt(read_pos).IsWrapMarker()) return 0;
  return read_pos;
}

std::optional<std::string> DescribePatternMismatch(
    std::span<const std::byte> data, uint64_t sequence,
    const std::string& what) {
  const std::optional<size_t> bad = FindPatternMismatch(data, sequence);
  if (!bad.has_value()) return std::nullopt;
  return absl::StrCat(what, " differs from the pattern (i + ", sequence,
                      ") % 256 at byte ", *bad, " of ", data.size(), ": found ",
                      static_cast<int>(data[*bad]), ", expected ",
                      static_cast<int>(PatternByte(*bad, sequence)));
}

uint64_t ParseCount(const std::string& cell, const std::string& what) {
  uint64_t value = 0;
  if (!absl::SimpleAtoi(cell, &value)) {
    throw StepFailure(
        absl::StrCat(what, " '", cell, "' is not a non-negative integer"));
  }
  return value;
}

}  // namespace zerobuffer::steps::integrity

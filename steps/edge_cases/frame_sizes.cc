// Steps of feature 04 about frame sizes at the limits: the smallest ring
// (4.4), a frame that fills the ring exactly (4.6) and the smallest frame
// with its 16-byte header (4.7). Sentences and semantics: step-catalog
// section 3; sizes and errors: protocol.md 3.5, 6.2 and 9.

#include <chrono>
#include <cstdint>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "steps/context.h"
#include "steps/edge_cases/ring_inspection.h"
#include "steps/registry.h"
#include "steps/step_failure.h"
#include "steps/support/captured_error.h"
#include "steps/support/data_patterns.h"
#include "steps/support/endpoints.h"
#include "steps/support/scoped_write_timeout.h"
#include "steps/support/segment_access.h"
#include "steps/support/stream_state.h"
#include "zerobuffer/zerobuffer.h"

namespace zerobuffer::steps {
namespace {

using std::chrono::milliseconds;

constexpr milliseconds kReadTimeout{5000};
// "No more writes": how long a write must wait in vain.
constexpr absl::Duration kFullProbe = absl::Milliseconds(200);
// "Able to write again": the room is there at once, so this is generous.
constexpr absl::Duration kWriteAgainTimeout = absl::Milliseconds(1000);
// Frames the attempt steps build in memory; far beyond any ring here, so a
// size above it is a mistake in the sentence rather than a test.
constexpr uint64_t kLargestAttempt = uint64_t{1} << 30;
constexpr std::byte kSingleByte{0x42};

absl::Status ExpectSaneSize(uint64_t size) {
  if (size > kLargestAttempt) {
    return Failed(absl::StrCat(size, " bytes is beyond any frame these ",
                               "steps build (at most ", kLargestAttempt, ")"));
  }
  return absl::OkStatus();
}

ZB_STEP(kGiven,
        "the '([^']*)' process creates buffer '([^']*)' with minimum viable "
        "size '(\\d+)'",
        [](StepContext& context, const std::string&, const std::string& buffer,
           uint64_t size) -> absl::Status {
          const std::string name = context.PhysicalName(buffer);
          Reader& reader = context.State<Endpoints>().CreateReader(
              name, BufferConfig(0, size));
          context.log().Info(absl::StrCat("Created buffer ", name,
                                          " without metadata and a ",
                                          reader.oieb_snapshot().payload_size,
                                          "-byte ring (asked ", size, ")"));
          return absl::OkStatus();
        });

ZB_STEP(kWhen, "the '([^']*)' process writes single byte frame",
        [](StepContext& context, const std::string&) -> absl::Status {
          const std::byte payload[1] = {kSingleByte};
          context.State<EdgeWriteState>().last =
              WriteAndRecord(context.State<Endpoints>().writer(), payload);
          return absl::OkStatus();
        });

// The frame the writer steps of this feature wrote last is in the ring, at
// the position the OIEB implies, byte for byte.
ZB_STEP(kThen, "the '([^']*)' process should verify write succeeded",
        [](StepContext& context, const std::string&) -> absl::Status {
          const absl::StatusOr<RecordedWrite> last = LastWriteInRing(context);
          if (!last.ok()) return last.status();
          context.log().Info(absl::StrCat(
              "Frame ", last->sequence, " (", last->size,
              " bytes) is in the ring: ",
              DescribeRing(
                  context.State<Endpoints>().writer().oieb_snapshot())));
          return absl::OkStatus();
        });

// Writes a `size`-byte pattern frame, keeping what the library throws for
// the "should ..." step that follows.
absl::Status AttemptPatternWrite(StepContext& context, uint64_t size) {
  const absl::Status sane = ExpectSaneSize(size);
  if (!sane.ok()) return sane;
  Writer& writer = context.State<Endpoints>().writer();
  Attempt(context,
          [&writer, size] { writer.write_frame(MakePattern(size, 0)); });
  return absl::OkStatus();
}

ZB_STEP(kWhen, "the '([^']*)' process attempts to write '(\\d+)' byte frame",
        [](StepContext& context, const std::string&, uint64_t size)
            -> absl::Status { return AttemptPatternWrite(context, size); });

ZB_STEP(kThen, "the '([^']*)' process should receive FrameTooLargeException",
        [](StepContext& context, const std::string&) -> absl::Status {
          return ExpectCapturedError(context, ErrorCode::kFrameTooLarge,
                                     "FrameTooLargeException");
        });

ZB_STEP(kWhen, "the '([^']*)' process writes frame with exact size '(\\d+)'",
        [](StepContext& context, const std::string&,
           uint64_t size) -> absl::Status {
          const absl::Status sane = ExpectSaneSize(size);
          if (!sane.ok()) return sane;
          context.State<EdgeWriteState>().last = WriteAndRecord(
              context.State<Endpoints>().writer(), MakePattern(size, 0));
          return absl::OkStatus();
        });

ZB_STEP(kThen, "buffer should be completely full",
        [](StepContext& context) -> absl::Status {
          const OIEB oieb = CurrentOieb(context);
          if (oieb.payload_free_bytes != 0) {
            return Failed(
                absl::StrCat("the ring is not full: ", DescribeRing(oieb)));
          }
          context.log().Info(
              absl::StrCat("The ring is full: ", DescribeRing(oieb)));
          return absl::OkStatus();
        });

ZB_STEP(kThen, "no more writes should be possible",
        [](StepContext& context) -> absl::Status {
          return ExpectWriteToWait(context.State<Endpoints>().writer(),
                                   kFullProbe);
        });

ZB_STEP(kWhen, "the '([^']*)' process reads frame",
        [](StepContext& context, const std::string&) -> absl::Status {
          ReadState& state = context.State<ReadState>();
          Frame frame =
              context.State<Endpoints>().reader().read_frame(kReadTimeout);
          if (!frame.valid()) {
            return Failed(absl::StrCat("no frame arrived within ",
                                       kReadTimeout.count(), " ms"));
          }
          state.Remember(frame);
          state.held = std::move(frame);  // until "signals space available"
          return absl::OkStatus();
        });

ZB_STEP(kThen, "the frame should have size '(\\d+)'",
        [](StepContext& context, uint64_t size) -> absl::Status {
          const ReadState& state = context.State<ReadState>();
          if (state.last_sequence == 0) return Failed("no frame has been read");
          if (state.last_payload.size() != size) {
            return Failed(absl::StrCat("frame ", state.last_sequence, " has ",
                                       state.last_payload.size(),
                                       " bytes, expected ", size));
          }
          return absl::OkStatus();
        });

// Writes the frame the feature's writer steps wrote last once more: after
// an exact fit, only a ring with all its space back takes it.
ZB_STEP(kThen, "the '([^']*)' process should be able to write again",
        [](StepContext& context, const std::string&) -> absl::Status {
          std::optional<RecordedWrite>& last =
              context.State<EdgeWriteState>().last;
          if (!last.has_value()) return Failed("no frame has been written");
          Writer& writer = context.State<Endpoints>().writer();
          const OIEB before = writer.oieb_snapshot();
          try {
            ScopedWriteTimeout timeout(writer, kWriteAgainTimeout);
            last = WriteAndRecord(writer, MakePattern(last->size, 0));
          } catch (const BufferFullException& error) {
            return Failed(absl::StrCat(
                "no room for the ", last->size, "-byte frame again within ",
                absl::FormatDuration(kWriteAgainTimeout), " (",
                DescribeRing(before), "): ", error.what()));
          }
          context.log().Info(
              absl::StrCat("Wrote frame ", last->sequence,
                           " again: ", DescribeRing(writer.oieb_snapshot())));
          return absl::OkStatus();
        });

ZB_STEP(kWhen,
        "the '([^']*)' process attempts to write frame with size '(\\d+)'",
        [](StepContext& context, const std::string&, uint64_t size)
            -> absl::Status { return AttemptPatternWrite(context, size); });

ZB_STEP(kThen, "the '([^']*)' process should fail with zero size error",
        [](StepContext& context, const std::string&) -> absl::Status {
          return ExpectCapturedError(context, ErrorCode::kInvalidFrameSize,
                                     "a zero frame size error");
        });

// What one side of the ring has moved through: frames, their payload
// bytes, and the ring position it reached.
struct Progress {
  uint64_t frames;
  uint64_t payload_bytes;
  uint64_t position;
  uint64_t items;  // frames plus wrap markers, per the OIEB
};

// The overhead per frame is what a side advanced through the ring beyond
// the payloads: measured on the reader (where Harmony routes it) or, in a
// writer-only process, on the writer, before the ring has wrapped.
ZB_STEP(kThen, "frame overhead should be '(\\d+)' bytes",
        [](StepContext& context, uint64_t expected) -> absl::Status {
          Endpoints& endpoints = context.State<Endpoints>();
          Progress progress;
          std::string name;
          if (endpoints.has_reader()) {
            Reader& reader = endpoints.reader();
            const OIEB oieb = reader.oieb_snapshot();
            progress = {reader.frames_read(), reader.bytes_read(),
                        oieb.payload_read_pos, oieb.payload_read_count};
            name = reader.name();
          } else {
            Writer& writer = endpoints.writer();
            const OIEB oieb = writer.oieb_snapshot();
            progress = {writer.frames_written(), writer.bytes_written(),
                        oieb.payload_write_pos, oieb.payload_written_count};
            name = writer.name();
          }
          if (progress.frames == 0) {
            return Failed("no frame has passed through this side yet");
          }
          if (progress.items != progress.frames || progress.position == 0 ||
              progress.position < progress.payload_bytes) {
            return Failed(absl::StrCat(
                "the ring has wrapped (", progress.items, " items for ",
                progress.frames, " frames, position ", progress.position,
                "); the overhead is measured on the first lap"));
          }
          const uint64_t overhead_total =
              progress.position - progress.payload_bytes;
          if (overhead_total != expected * progress.frames) {
            return Failed(absl::StrCat(
                progress.frames, " frames with ", progress.payload_bytes,
                " payload bytes took ", progress.position,
                " ring bytes: ", overhead_total, " bytes of overhead, not ",
                expected, " per frame"));
          }
          // The last of them: its header is those bytes right in front of
          // it, size then sequence.
          const ReadState& read = context.State<ReadState>();
          if (endpoints.has_reader() && read.last_sequence != 0) {
            const uint64_t header_at =
                progress.position - read.last_payload.size() - expected;
            const FrameHeader header = SegmentAccess(name).HeaderAt(header_at);
            if (header.payload_size != read.last_payload.size() ||
                header.sequence_number != read.last_sequence) {
              return Failed(absl::StrCat(
                  "the ", expected, " bytes before frame ", read.last_sequence,
                  " hold size ", header.payload_size, " and sequence ",
                  header.sequence_number));
            }
          }
          context.log().Info(
              absl::StrCat(progress.frames, " frames: ", progress.payload_bytes,
                           " payload bytes in ", progress.position,
                           " ring bytes, ", expected, " bytes of header each"));
          return absl::OkStatus();
        });

}  // namespace
}  // namespace zerobuffer::steps

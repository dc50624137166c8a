// Steps of feature 04 about frames queued behind one counting semaphore
// (4.2) and a buffer without a metadata block (4.3). Sentences and
// semantics: step-catalog section 3; semaphores: protocol.md 4.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "steps/context.h"
#include "steps/edge_cases/ring_inspection.h"
#include "steps/registry.h"
#include "steps/step_failure.h"
#include "steps/support/captured_error.h"
#include "steps/support/data_patterns.h"
#include "steps/support/endpoints.h"
#include "steps/support/metadata_block.h"
#include "steps/support/segment_access.h"
#include "steps/support/stream_state.h"
#include "zerobuffer/zerobuffer.h"

namespace zerobuffer::steps {
namespace {

using std::chrono::milliseconds;

// "Rapid" frames are text, as upstream C# writes them: rapid_frame_0, ...
constexpr char kRapidFramePrefix[] = "rapid_frame_";
// Upstream C# reads until a 100 ms read comes back empty.
constexpr milliseconds kDrainReadTimeout{100};
constexpr milliseconds kReadTimeout{5000};
// 4.3: the metadata upstream tries to store, and the frame that follows.
constexpr size_t kRejectedMetadataSize = 100;
constexpr char kNoMetadataFrame[] = "no_metadata_frame";

struct CoalescingState {
  // Writer side.
  uint64_t frames_sent = 0;
  // Reader side: sem-w's count when the reader woke, and what it read.
  std::optional<int> signals_at_wake;
  uint64_t frames_processed = 0;
  std::vector<uint64_t> sequences;
  std::vector<std::string> problems;
};

std::string RapidFrameText(uint64_t index) {
  return absl::StrCat(kRapidFramePrefix, index);
}

std::string FrameText(const Frame& frame) {
  return std::string(reinterpret_cast<const char*>(frame.span().data()),
                     frame.size());
}

std::optional<int> PendingSignals(const std::string& physical_name) {
  return SegmentAccess(physical_name).FramesSignalled();
}

ZB_STEP(kWhen,
        "the '([^']*)' process writes '(\\d+)' frames rapidly without reader "
        "consuming",
        [](StepContext& context, const std::string&,
           uint64_t count) -> absl::Status {
          Writer& writer = context.State<Endpoints>().writer();
          // Nobody reads, so they all have to fit in the ring at once.
          const uint64_t ring_size = writer.oieb_snapshot().payload_size;
          const uint64_t largest =
              kFrameHeaderSize + RapidFrameText(count).size();
          if (count == 0) return Failed("there are no frames to write");
          if (count > ring_size / largest) {
            return Failed(absl::StrCat(count, " frames of up to ", largest,
                                       " bytes do not fit in the ", ring_size,
                                       "-byte ring unread"));
          }
          for (uint64_t i = 0; i < count; ++i) {
            const std::string text = RapidFrameText(i);
            writer.write_frame(text.data(), text.size());
          }
          context.State<CoalescingState>().frames_sent = count;
          context.log().Info(absl::StrCat("Wrote ", count, " frames"));
          return absl::OkStatus();
        });

ZB_STEP(kThen,
        "the '([^']*)' process the semaphore count should represent pending "
        "frames",
        [](StepContext& context, const std::string&) -> absl::Status {
          Writer& writer = context.State<Endpoints>().writer();
          const OIEB oieb = writer.oieb_snapshot();
          const std::optional<int> signals = PendingSignals(writer.name());
          if (!signals.has_value()) {
            return Failed("sem-w cannot be read on this platform");
          }
          const uint64_t unread =
              oieb.payload_written_count - oieb.payload_read_count;
          const uint64_t sent = context.State<CoalescingState>().frames_sent;
          if (static_cast<uint64_t>(*signals) != unread || unread != sent) {
            return Failed(absl::StrCat("sem-w holds ", *signals, " signals; ",
                                       unread, " frames are unread and ", sent,
                                       " were written"));
          }
          context.log().Info(absl::StrCat("sem-w holds ", *signals,
                                          " signals, one per unread frame"));
          return absl::OkStatus();
        });

ZB_STEP(kWhen, "the '([^']*)' process wakes and processes all frames",
        [](StepContext& context, const std::string&) -> absl::Status {
          Reader& reader = context.State<Endpoints>().reader();
          CoalescingState& state = context.State<CoalescingState>();
          state.signals_at_wake = PendingSignals(reader.name());
          const absl::Time give_up =
              absl::Now() + context.step_time_limit() / 2;
          while (absl::Now() < give_up) {
            Frame frame = reader.read_frame(kDrainReadTimeout);
            if (!frame.valid()) break;
            const std::string expected = RapidFrameText(state.frames_processed);
            if (FrameText(frame) != expected) {
              state.problems.push_back(absl::StrCat(
                  "frame ", frame.sequence(), " holds '", FrameText(frame),
                  "', expected '", expected, "'"));
            }
            state.sequences.push_back(frame.sequence());
            context.State<ReadState>().Remember(frame);
            ++state.frames_processed;
          }
          context.log().Info(absl::StrCat(
              "Processed ", state.frames_processed, " frames; sem-w held ",
              state.signals_at_wake.value_or(-1), " signals on waking"));
          return absl::OkStatus();
        });

ZB_STEP(kThen, "the '([^']*)' process all frames should be read correctly",
        [](StepContext& context, const std::string&) -> absl::Status {
          const CoalescingState& state = context.State<CoalescingState>();
          const std::vector<uint64_t>& sequences = state.sequences;
          if (state.frames_processed == 0) return Failed("no frame was read");
          if (!state.problems.empty()) {
            return Failed(absl::StrJoin(state.problems, "; "));
          }
          for (size_t i = 0; i < sequences.size(); ++i) {
            if (sequences[i] != i + 1) {
              return Failed(absl::StrCat("read sequences ",
                                         absl::StrJoin(sequences, ","),
                                         "; expected 1..", sequences.size()));
            }
          }
          // Nothing the writer committed is left behind.
          const OIEB oieb = context.State<Endpoints>().reader().oieb_snapshot();
          if (oieb.payload_read_count != oieb.payload_written_count) {
            return Failed(absl::StrCat(
                "read ", state.frames_processed, " frames but ",
                oieb.payload_written_count - oieb.payload_read_count,
                " are still unread: ", DescribeRing(oieb)));
          }
          return absl::OkStatus();
        });

ZB_STEP(kThen,
        "the '([^']*)' process the coalesced signals should be handled "
        "properly",
        [](StepContext& context, const std::string&) -> absl::Status {
          const CoalescingState& state = context.State<CoalescingState>();
          Reader& reader = context.State<Endpoints>().reader();
          const std::optional<int> left = PendingSignals(reader.name());
          if (!state.signals_at_wake.has_value() || !left.has_value()) {
            return Failed("sem-w cannot be read on this platform");
          }
          // Every frame had its own signal waiting, and each read took one.
          if (static_cast<uint64_t>(*state.signals_at_wake) !=
                  state.frames_processed ||
              *left != 0) {
            return Failed(absl::StrCat(
                "sem-w held ", *state.signals_at_wake, " signals for ",
                state.frames_processed, " frames read and holds ", *left,
                " now; expected one per frame and none left"));
          }
          return absl::OkStatus();
        });

ZB_STEP(kWhen, "the '([^']*)' process attempts to write metadata",
        [](StepContext& context, const std::string&) -> absl::Status {
          Writer& writer = context.State<Endpoints>().writer();
          Attempt(context, [&writer] {
            writer.set_metadata(MakePattern(kRejectedMetadataSize, 0));
          });
          return absl::OkStatus();
        });

ZB_STEP(kThen, "the '([^']*)' process metadata write should fail appropriately",
        [](StepContext& context, const std::string&) -> absl::Status {
          const absl::Status error =
              ExpectCapturedError(context, ErrorCode::kMetadataTooLarge,
                                  "a metadata too large error");
          if (!error.ok()) return error;
          const OIEB oieb = context.State<Endpoints>().writer().oieb_snapshot();
          if (oieb.metadata_written_bytes != 0) {
            return Failed(absl::StrCat("the rejected write still stored ",
                                       oieb.metadata_written_bytes,
                                       " metadata bytes"));
          }
          return absl::OkStatus();
        });

ZB_STEP(kWhen, "the '([^']*)' process writes frame without metadata",
        [](StepContext& context, const std::string&) -> absl::Status {
          const std::string text = kNoMetadataFrame;
          context.State<EdgeWriteState>().last = WriteAndRecord(
              context.State<Endpoints>().writer(),
              std::as_bytes(std::span(text.data(), text.size())));
          return absl::OkStatus();
        });

ZB_STEP(kThen, "the '([^']*)' process should verify frame write succeeded",
        [](StepContext& context, const std::string&) -> absl::Status {
          const absl::StatusOr<RecordedWrite> last = LastWriteInRing(context);
          if (!last.ok()) return last.status();
          const OIEB oieb = context.State<Endpoints>().writer().oieb_snapshot();
          if (oieb.metadata_written_bytes != 0) {
            return Failed(absl::StrCat(
                "metadata appeared: ", oieb.metadata_written_bytes, " bytes"));
          }
          context.log().Info(absl::StrCat("Frame ", last->sequence,
                                          " is in the ring at offset ",
                                          last->offset));
          return absl::OkStatus();
        });

ZB_STEP(kThen,
        "the '([^']*)' process should verify system works correctly without "
        "metadata",
        [](StepContext& context, const std::string&) -> absl::Status {
          Reader& reader = context.State<Endpoints>().reader();
          if (absl::Status none = ExpectNoMetadataBlock(reader); !none.ok()) {
            return none;
          }
          // And frames still get through.
          Frame frame = reader.read_frame(kReadTimeout);
          if (!frame.valid()) {
            return Failed(absl::StrCat("no frame arrived within ",
                                       kReadTimeout.count(), " ms"));
          }
          if (FrameText(frame) != kNoMetadataFrame) {
            return Failed(absl::StrCat("read '", FrameText(frame),
                                       "', expected '", kNoMetadataFrame, "'"));
          }
          context.State<ReadState>().Remember(frame);
          return absl::OkStatus();
        });

}  // namespace
}  // namespace zerobuffer::steps

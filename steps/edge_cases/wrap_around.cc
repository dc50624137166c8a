// Steps of feature 04 about frames that do not fit before the end of the
// ring: alternating large and small frames (4.1) and a frame placed at the
// start of the ring behind a wrap marker (4.8). Sentences and semantics:
// step-catalog section 3; wrap rules: protocol.md 3.5 and 6.2.

#include <atomic>
#include <cmath>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "steps/context.h"
#include "steps/edge_cases/frame_flow.h"
#include "steps/edge_cases/ring_inspection.h"
#include "steps/registry.h"
#include "steps/step_failure.h"
#include "steps/support/data_patterns.h"
#include "steps/support/endpoints.h"
#include "steps/support/segment_access.h"
#include "steps/support/write_when_room.h"
#include "zerobuffer/free_space.h"
#include "zerobuffer/zerobuffer.h"

namespace zerobuffer::steps {
namespace {

constexpr char kLargeWriteTask[] = "large-write";
// How long "attempts to write large frame again" watches its write before
// calling it blocked (upstream C#: 100 ms).
constexpr absl::Duration kBlockedAfter = absl::Milliseconds(100);
// The pending write re-checks for space every slice (100 ms); a writer
// that is not deadlocked shows at least two more checks within this.
constexpr absl::Duration kProgressWindow = absl::Milliseconds(600);
constexpr uint64_t kProgressChecks = 2;
// How long a probe write waits before the ring counts as having no room.
constexpr absl::Duration kWaitProbe = absl::Milliseconds(300);

struct LargeFrameState {
  uint64_t large_size = 0;
  std::vector<std::byte> second_large;
  // Slices the background large write has waited without room.
  std::atomic<uint64_t> waits{0};
};

// The payload of the second large frame: a different pattern than the
// first, (i + 128) % 256, so the two cannot be confused in the ring.
std::vector<std::byte> SecondLargePayload(uint64_t size) {
  return MakePattern(size, 128);
}

// The wrap the pending large write of `size` bytes is waiting to make, from
// the live OIEB.
WritePlan PendingPlan(const OIEB& oieb, uint64_t size) {
  return PlanWriteFor(oieb, kFrameHeaderSize + size);
}

ZB_STEP(kWhen,
        "the '([^']*)' process writes large frame using '([^']*)' of buffer",
        [](StepContext& context, const std::string&,
           const std::string& percent_text) -> absl::Status {
          absl::StatusOr<double> percent = ParsePercent(percent_text);
          if (!percent.ok()) return percent.status();
          Writer& writer = context.State<Endpoints>().writer();
          const uint64_t ring_size = writer.oieb_snapshot().payload_size;
          // The frame with its header takes the given share of the ring.
          const auto frame_bytes = static_cast<uint64_t>(
              std::floor(static_cast<double>(ring_size) * *percent / 100));
          if (frame_bytes <= kFrameHeaderSize) {
            return Failed(absl::StrCat(percent_text, " of the ", ring_size,
                                       "-byte ring leaves no room for a "
                                       "payload after the 16-byte header"));
          }
          LargeFrameState& state = context.State<LargeFrameState>();
          state.large_size = frame_bytes - kFrameHeaderSize;
          context.State<EdgeWriteState>().last =
              WriteAndRecord(writer, MakePattern(state.large_size, 0));
          context.log().Info(absl::StrCat("Wrote a ", state.large_size,
                                          "-byte frame (", frame_bytes, " of ",
                                          ring_size, " ring bytes)"));
          return absl::OkStatus();
        });

ZB_STEP(kWhen, "the '([^']*)' process writes small frame of '(\\d+)' byte",
        [](StepContext& context, const std::string&,
           uint64_t size) -> absl::Status {
          if (size == 0) return Failed("a small frame needs at least 1 byte");
          Writer& writer = context.State<Endpoints>().writer();
          if (size > writer.oieb_snapshot().payload_size) {
            return Failed(absl::StrCat(size, " bytes is not a small frame"));
          }
          std::vector<std::byte> payload(size);
          payload[0] = std::byte{0xFF};  // marks the small frame
          context.State<EdgeWriteState>().last =
              WriteAndRecord(writer, payload);
          return absl::OkStatus();
        });

// The ring holds the large and the small frame and no reader consumes, so
// the second large frame has to wrap and wait for the reader: it is written
// in the background, where it waits as long as the scenario lasts.
ZB_STEP(kWhen, "the '([^']*)' process attempts to write large frame again",
        [](StepContext& context, const std::string&) -> absl::Status {
          LargeFrameState& state = context.State<LargeFrameState>();
          if (state.large_size == 0) {
            return Failed("no large frame has been written before");
          }
          Writer* writer = &context.State<Endpoints>().writer();
          std::vector<std::byte> payload = SecondLargePayload(state.large_size);
          state.waits = 0;
          BackgroundTask& task = context.tasks().Start(
              kLargeWriteTask,
              [writer, payload, &state](std::stop_token stop) -> absl::Status {
                if (!WriteWhenRoom(*writer, payload, stop,
                                   absl::InfiniteFuture(),
                                   [&state] { ++state.waits; })) {
                  return absl::CancelledError("stopped while waiting");
                }
                return absl::OkStatus();
              });
          state.second_large = std::move(payload);
          const std::optional<absl::Status> early = task.WaitFor(kBlockedAfter);
          if (!early.has_value()) {
            context.log().Info(
                absl::StrCat("The second ", state.large_size,
                             "-byte frame is blocked waiting for space (",
                             DescribeRing(writer->oieb_snapshot()), ")"));
          } else {
            context.log().Info(absl::StrCat("The second large write ended: ",
                                            early->ToString()));
          }
          return absl::OkStatus();
        });

ZB_STEP(kThen, "the '([^']*)' process proper wrap-around handling should occur",
        [](StepContext& context, const std::string&) -> absl::Status {
          BackgroundTask* task = context.tasks().Find(kLargeWriteTask);
          if (task == nullptr)
            return Failed("no second large write was started");
          const LargeFrameState& state = context.State<LargeFrameState>();
          Writer& writer = context.State<Endpoints>().writer();
          SegmentAccess segment(writer.name());
          if (task->finished()) {
            const absl::Status result = *task->WaitFor(absl::ZeroDuration());
            if (!result.ok()) {
              return Failed(absl::StrCat("the second large write failed: ",
                                         result.message()));
            }
            // It wrapped: the frame went to the start of the ring.
            RecordedWrite wrapped;
            wrapped.offset = 0;
            wrapped.size = state.large_size;
            wrapped.sequence = writer.frames_written();
            wrapped.payload = state.second_large;
            return ExpectFrameInRing(segment, wrapped);
          }
          // Still waiting: it must be waiting for the right reason, with
          // everything it waits behind intact.
          const OIEB oieb = writer.oieb_snapshot();
          const WritePlan plan = PendingPlan(oieb, state.large_size);
          if (!plan.wraps()) {
            return Failed(absl::StrCat(
                "the pending ", state.large_size,
                "-byte frame would not wrap at write position ",
                oieb.payload_write_pos, " (", DescribeRing(oieb), ")"));
          }
          if (oieb.payload_free_bytes >= plan.required_free) {
            return Failed(absl::StrCat(
                "the large write is still pending although the wrap it needs (",
                plan.required_free, " bytes) is free: ", DescribeRing(oieb)));
          }
          absl::StatusOr<QueuedItems> queued = WalkQueuedItems(segment);
          if (!queued.ok()) return queued.status();
          if (queued->frames.size() != writer.frames_written()) {
            return Failed(absl::StrCat("the ring shows ", queued->frames.size(),
                                       " unread frames, the writer wrote ",
                                       writer.frames_written()));
          }
          const absl::Status last =
              ExpectFrameInRing(segment, *context.State<EdgeWriteState>().last);
          if (!last.ok()) return last;
          context.log().Info(
              absl::StrCat("The large write waits for a wrap needing ",
                           plan.required_free, " free bytes (", plan.waste,
                           " wasted at the end); ", DescribeRing(oieb)));
          return absl::OkStatus();
        });

ZB_STEP(kThen, "the '([^']*)' process no deadlocks should happen",
        [](StepContext& context, const std::string&) -> absl::Status {
          BackgroundTask* task = context.tasks().Find(kLargeWriteTask);
          if (task == nullptr)
            return Failed("no second large write was started");
          LargeFrameState& state = context.State<LargeFrameState>();
          // Still re-checking for space, not stuck inside the library.
          const uint64_t waits_before = state.waits;
          const absl::Time deadline = absl::Now() + kProgressWindow;
          while (!task->finished() &&
                 state.waits < waits_before + kProgressChecks &&
                 absl::Now() < deadline) {
            task->WaitFor(absl::Milliseconds(20));
          }
          if (task->finished()) {
            const absl::Status result = *task->WaitFor(absl::ZeroDuration());
            if (!result.ok()) {
              return Failed(absl::StrCat("the large write ended with ",
                                         result.ToString()));
            }
            context.log().Info("The large write completed");
            return absl::OkStatus();
          }
          if (state.waits < waits_before + kProgressChecks) {
            return Failed(absl::StrCat(
                "the pending large write re-checked for space ",
                state.waits - waits_before, " times in ",
                absl::FormatDuration(kProgressWindow), "; it is stuck"));
          }
          // It can finish: the reader is there, and releasing the frames it
          // has not read yet frees enough for the wrap.
          Writer& writer = context.State<Endpoints>().writer();
          if (!writer.is_reader_connected()) {
            return Failed(
                "the reader is gone; the pending write can never end");
          }
          SegmentAccess segment(writer.name());
          absl::StatusOr<QueuedItems> queued = WalkQueuedItems(segment);
          if (!queued.ok()) return queued.status();
          const OIEB oieb = writer.oieb_snapshot();
          const WritePlan plan = PendingPlan(oieb, state.large_size);
          if (oieb.payload_free_bytes + queued->bytes != oieb.payload_size) {
            return Failed(absl::StrCat(
                "free bytes (", oieb.payload_free_bytes, ") plus the bytes of ",
                "unread frames (", queued->bytes, ") should be the ring size ",
                oieb.payload_size, "; space has leaked"));
          }
          if (plan.kind == WritePlan::Kind::kNeverFits) {
            return Failed(absl::StrCat(
                "the pending frame can never be placed: ", DescribeRing(oieb)));
          }
          context.log().Info(absl::StrCat(
              "No deadlock: the pending write re-checks for space (",
              state.waits - waits_before, " checks in the window) and needs ",
              plan.required_free, " of the ", oieb.payload_size,
              " bytes the reader frees by releasing ", queued->frames.size(),
              " unread frames"));
          return absl::OkStatus();
        });

// 4.8. The write the scenario means has already happened (a frame written
// by "writes frame with size" returns once placed); what the writer faces
// now is a ring with no room left, so its next frame has to wait.
ZB_STEP(kThen, "the '([^']*)' process should wait for space",
        [](StepContext& context, const std::string&) -> absl::Status {
          Writer& writer = context.State<Endpoints>().writer();
          const absl::Status waited = ExpectWriteToWait(writer, kWaitProbe);
          if (!waited.ok()) return waited;
          context.log().Info(absl::StrCat(
              "A 1-byte frame waited ", absl::FormatDuration(kWaitProbe),
              " for space: ", DescribeRing(writer.oieb_snapshot())));
          return absl::OkStatus();
        });

ZB_STEP(kThen, "the '([^']*)' process should complete write at buffer start",
        [](StepContext& context, const std::string&) -> absl::Status {
          Writer& writer = context.State<Endpoints>().writer();
          SegmentAccess segment(writer.name());
          const OIEB oieb = writer.oieb_snapshot();
          absl::StatusOr<QueuedItems> queued = WalkQueuedItems(segment);
          if (!queued.ok()) return queued.status();
          // The reader meets a wrap marker, then the last frame at offset 0.
          if (queued->markers == 0 || queued->frames.empty() ||
              queued->offsets.back() != 0) {
            return Failed(absl::StrCat(
                "the unread items are ", queued->markers, " wrap markers and ",
                queued->frames.size(), " frames, the last at ring offset ",
                queued->offsets.empty() ? 0 : queued->offsets.back(),
                "; expected a marker and a frame at offset 0 (",
                DescribeRing(oieb), ")"));
          }
          const FrameHeader& header = queued->frames.back();
          if (header.sequence_number != writer.frames_written() ||
              oieb.payload_write_pos !=
                  kFrameHeaderSize + header.payload_size) {
            return Failed(absl::StrCat(
                "the frame at offset 0 is frame ", header.sequence_number,
                " of ", header.payload_size,
                " bytes; the writer's last frame is ", writer.frames_written(),
                " and it continues at ", oieb.payload_write_pos));
          }
          const std::span<const std::byte> payload(
              segment.ring() + kFrameHeaderSize, header.payload_size);
          if (auto bad = FindPatternMismatch(payload, 0)) {
            return Failed(
                absl::StrCat("the frame at offset 0 differs from the "
                             "pattern written at byte ",
                             *bad));
          }
          // One sem-w post stands for the marker and the frame together.
          const std::optional<int> signals = segment.FramesSignalled();
          if (!signals.has_value()) {
            return Failed("sem-w cannot be read on this platform");
          }
          if (static_cast<size_t>(*signals) != queued->frames.size()) {
            return Failed(absl::StrCat("sem-w holds ", *signals,
                                       " signals for ", queued->frames.size(),
                                       " unread frames"));
          }
          context.log().Info(absl::StrCat(
              "Frame ", header.sequence_number, " (", header.payload_size,
              " bytes) sits at offset 0 behind a wrap marker; ",
              DescribeRing(oieb)));
          return absl::OkStatus();
        });

}  // namespace
}  // namespace zerobuffer::steps

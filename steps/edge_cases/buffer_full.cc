// Steps of feature 04 for a ring filled to a share of its capacity while a
// second writer is turned away (4.10). Sentences and semantics:
// step-catalog section 3.

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "steps/context.h"
#include "steps/edge_cases/frame_flow.h"
#include "steps/edge_cases/ring_inspection.h"
#include "steps/registry.h"
#include "steps/step_failure.h"
#include "steps/support/captured_error.h"
#include "steps/support/data_patterns.h"
#include "steps/support/endpoints.h"
#include "steps/support/segment_access.h"
#include "steps/support/write_when_room.h"
#include "zerobuffer/free_space.h"
#include "zerobuffer/zerobuffer.h"

namespace zerobuffer::steps {
namespace {

// Upstream C# fills with frames of at most 1 KiB.
constexpr uint64_t kFillFrameSize = 1024;
// A fill below capacity finds room at once; longer means something is off.
constexpr absl::Duration kFillPatience = absl::Seconds(1);
constexpr char kFillTask[] = "fill";
// How long "continues filling" watches the background fill before
// returning: long enough to see it reach the target or start waiting.
constexpr absl::Duration kSettle = absl::Seconds(1);
// "Should block": the pending write must still be waiting after this, and
// have re-checked for space in between (it does every 100 ms).
constexpr absl::Duration kBlockWindow = absl::Milliseconds(350);

struct FillState {
  // Ring bytes (header included) of the frame being written; 0 between
  // frames.
  std::atomic<uint64_t> pending_frame_bytes{0};
  // Slices the fill waited without room.
  std::atomic<uint64_t> waits{0};
  // For the second-writer check: the buffer and its writer_pid before.
  std::string second_writer_buffer;
  uint64_t writer_pid_before = 0;
};

absl::StatusOr<uint64_t> TargetBytes(const Writer& writer,
                                     const std::string& percent_text) {
  absl::StatusOr<double> percent = ParsePercent(percent_text);
  if (!percent.ok()) return percent.status();
  const uint64_t ring_size = writer.oieb_snapshot().payload_size;
  return static_cast<uint64_t>(
      std::floor(static_cast<double>(ring_size) * *percent / 100));
}

// Writes frames of at most 1 KiB until the ring's used bytes (P - free)
// reach `target` (what is left is too small for a frame), each waiting up
// to `patience` for room. The number of frames written.
absl::StatusOr<uint64_t> FillRing(Writer& writer, uint64_t target,
                                  absl::Duration patience, FillState& state,
                                  std::stop_token stop) {
  uint64_t frames = 0;
  while (true) {
    const OIEB oieb = writer.oieb_snapshot();
    const uint64_t used = oieb.payload_size - oieb.payload_free_bytes;
    if (used + kFrameHeaderSize >= target) return frames;
    const uint64_t size =
        std::min(kFillFrameSize, target - used - kFrameHeaderSize);
    const std::vector<std::byte> frame =
        MakePattern(size, writer.frames_written() + 1);
    state.pending_frame_bytes = kFrameHeaderSize + size;
    const bool written =
        WriteWhenRoom(writer, frame, stop, absl::Now() + patience,
                      [&state] { ++state.waits; });
    state.pending_frame_bytes = 0;
    if (!written) {
      return absl::DeadlineExceededError(
          absl::StrCat("no room for a ", size, "-byte frame after ", frames,
                       " frames: ", DescribeRing(writer.oieb_snapshot())));
    }
    ++frames;
  }
}

ZB_STEP(kWhen, "the '([^']*)' process fills buffer to '([^']*)' capacity",
        [](StepContext& context, const std::string&,
           const std::string& percent) -> absl::Status {
          Writer& writer = context.State<Endpoints>().writer();
          absl::StatusOr<uint64_t> target = TargetBytes(writer, percent);
          if (!target.ok()) return target.status();
          absl::StatusOr<uint64_t> frames =
              FillRing(writer, *target, kFillPatience,
                       context.State<FillState>(), std::stop_token());
          if (!frames.ok())
            return Failed(std::string(frames.status().message()));
          context.log().Info(
              absl::StrCat("Wrote ", *frames,
                           " frames: ", DescribeRing(writer.oieb_snapshot())));
          return absl::OkStatus();
        });

ZB_STEP(kWhen,
        "the '([^']*)' process a second writer process attempts to connect to "
        "buffer '([^']*)'",
        [](StepContext& context, const std::string&,
           const std::string& buffer) -> absl::Status {
          FillState& state = context.State<FillState>();
          state.second_writer_buffer = context.PhysicalName(buffer);
          state.writer_pid_before =
              SegmentAccess(state.second_writer_buffer).Snapshot().writer_pid;
          const std::string& name = state.second_writer_buffer;
          Attempt(context, [&name] { Writer second(name); });
          return absl::OkStatus();
        });

ZB_STEP(kThen,
        "the '([^']*)' process the second writer should fail with writer "
        "exists error",
        [](StepContext& context, const std::string&) -> absl::Status {
          const absl::Status refused =
              ExpectCapturedError(context, ErrorCode::kWriterAlreadyConnected,
                                  "a writer exists error");
          if (!refused.ok()) return refused;
          // The writer that was there keeps its claim (upstream C# erased it).
          const FillState& state = context.State<FillState>();
          const uint64_t pid =
              SegmentAccess(state.second_writer_buffer).Snapshot().writer_pid;
          if (pid == 0 || pid != state.writer_pid_before) {
            return Failed(absl::StrCat("writer_pid changed from ",
                                       state.writer_pid_before, " to ", pid,
                                       " when the second writer was refused"));
          }
          return absl::OkStatus();
        });

// Fills toward the share in the background. At 100 % the ring has no room
// left, so the writer's next frame waits for the reader; that wait must not
// hold up the scenario.
ZB_STEP(kWhen, "the '([^']*)' process continues filling buffer to '([^']*)'",
        [](StepContext& context, const std::string&,
           const std::string& percent) -> absl::Status {
          Writer* writer = &context.State<Endpoints>().writer();
          absl::StatusOr<uint64_t> target = TargetBytes(*writer, percent);
          if (!target.ok()) return target.status();
          FillState* state = &context.State<FillState>();
          state->waits = 0;
          const uint64_t ring_size = writer->oieb_snapshot().payload_size;
          const uint64_t goal = *target;
          BackgroundTask& task = context.tasks().Start(
              kFillTask,
              [writer, state, goal,
               ring_size](std::stop_token stop) -> absl::Status {
                absl::StatusOr<uint64_t> frames = FillRing(
                    *writer, goal, absl::InfiniteDuration(), *state, stop);
                if (!frames.ok()) return frames.status();
                if (goal < ring_size) return absl::OkStatus();
                const std::vector<std::byte> next =
                    MakePattern(kFillFrameSize, writer->frames_written() + 1);
                state->pending_frame_bytes = kFrameHeaderSize + next.size();
                const bool written =
                    WriteWhenRoom(*writer, next, stop, absl::InfiniteFuture(),
                                  [state] { ++state->waits; });
                state->pending_frame_bytes = 0;
                return written ? absl::OkStatus()
                               : absl::CancelledError("stopped while waiting");
              });
          const absl::Time until = absl::Now() + kSettle;
          while (!task.finished() && state->waits == 0 && absl::Now() < until) {
            task.WaitFor(absl::Milliseconds(20));
          }
          context.log().Info(absl::StrCat(
              task.finished() ? "The fill finished: " : "The fill waits: ",
              DescribeRing(writer->oieb_snapshot())));
          return absl::OkStatus();
        });

ZB_STEP(kThen, "the '([^']*)' process should block waiting for space",
        [](StepContext& context, const std::string&) -> absl::Status {
          BackgroundTask* task = context.tasks().Find(kFillTask);
          if (task == nullptr) return Failed("no background fill was started");
          FillState& state = context.State<FillState>();
          const uint64_t waits_before = state.waits;
          if (std::optional<absl::Status> ended = task->WaitFor(kBlockWindow)) {
            return Failed(absl::StrCat(
                "the fill is not blocked, it ended: ",
                ended->ok() ? "every frame found room" : ended->ToString()));
          }
          const uint64_t pending = state.pending_frame_bytes;
          if (pending == 0 || state.waits <= waits_before) {
            return Failed(absl::StrCat(
                "the fill is running but not waiting for space (pending frame ",
                pending, " bytes, ", state.waits - waits_before,
                " waits in the window)"));
          }
          const OIEB oieb = context.State<Endpoints>().writer().oieb_snapshot();
          const WritePlan plan = PlanWriteFor(oieb, pending);
          if (oieb.payload_free_bytes >= plan.required_free) {
            return Failed(absl::StrCat(
                "the ", pending, "-byte frame waits although its ",
                plan.required_free, " bytes are free: ", DescribeRing(oieb)));
          }
          context.log().Info(absl::StrCat(
              "A ", pending, "-byte frame waits for ", plan.required_free,
              " free bytes (", state.waits - waits_before,
              " checks in the window): ", DescribeRing(oieb)));
          return absl::OkStatus();
        });

}  // namespace
}  // namespace zerobuffer::steps

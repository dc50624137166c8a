// Steps of feature 04 for a fast writer and reader running flat out (4.9),
// and the sentences that judge a stream wherever Harmony routes them,
// among them "no frames should be lost" (also 6.3). Both sides record into
// FrameFlow (frame_flow.h). Sentences and semantics: step-catalog section 3.

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <limits>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "steps/context.h"
#include "steps/edge_cases/frame_flow.h"
#include "steps/edge_cases/ring_inspection.h"
#include "steps/edge_cases/stream_loops.h"
#include "steps/registry.h"
#include "steps/step_failure.h"
#include "steps/support/data_patterns.h"
#include "steps/support/endpoints.h"
#include "steps/support/scale.h"
#include "steps/support/segment_access.h"
#include "zerobuffer/zerobuffer.h"

namespace zerobuffer::steps {
namespace {

// 4.9 runs at full size by default: 10,000 1-KiB frames take about a
// second (3 s under ASAN); ZEROBUFFER_STEP_SCALE shrinks it.
constexpr double kRapidScale = 1.0;

// How long a stop request may take to end a loop (one read or write slice,
// with plenty of margin).
constexpr absl::Duration kStopGrace = absl::Seconds(2);

// Asks this process's stream loops to stop and waits for them, so that the
// ring holds still while it is inspected.
absl::Status StopLocalLoops(StepContext& context) {
  for (const char* name : {FrameFlow::kWriterTask, FrameFlow::kReaderTask}) {
    BackgroundTask* task = context.tasks().Find(name);
    if (task == nullptr || task->finished()) continue;
    task->RequestStop();
    if (!task->WaitFor(kStopGrace).has_value()) {
      return Failed(absl::StrCat("the ", name, " loop did not stop within ",
                                 absl::FormatDuration(kStopGrace)));
    }
  }
  return absl::OkStatus();
}

// The frames still queued continue the sequence from `next`, without gaps.
absl::Status ExpectQueuedFrom(const QueuedItems& queued, uint64_t next,
                              const std::string& what) {
  for (size_t i = 0; i < queued.frames.size(); ++i) {
    if (queued.frames[i].sequence_number != next + i) {
      return Failed(absl::StrCat("queued frame ", i + 1, " of ",
                                 queued.frames.size(), " is sequence ",
                                 queued.frames[i].sequence_number,
                                 ", expected ", next + i, " (", what, ")"));
    }
  }
  return absl::OkStatus();
}

ZB_STEP(kWhen,
        "the '([^']*)' process writes '(\\d+)' frames of size '(\\d+)' rapidly",
        [](StepContext& context, const std::string&, uint64_t named_count,
           uint64_t size) -> absl::Status {
          Writer* writer = &context.State<Endpoints>().writer();
          const uint64_t ring_size = writer->oieb_snapshot().payload_size;
          // Larger frames can meet a write position where they never fit
          // (protocol.md 6.2); a stream needs frames of at most half.
          if (size == 0 || 2 * (kFrameHeaderSize + size) > ring_size) {
            return Failed(absl::StrCat(
                "frames of ", size, " bytes cannot stream through a ",
                ring_size, "-byte ring (1 byte up to half the ring)"));
          }
          const uint64_t count =
              ScaledCount(context, named_count, kRapidScale, 1, "frames");
          FrameFlow* flow = &context.State<FrameFlow>();
          context.tasks().Start(
              FrameFlow::kWriterTask,
              [writer, flow, count, size](std::stop_token stop) {
                const absl::Status status = WriteStream(
                    *writer, *flow, count, size,
                    [writer](std::span<std::byte> frame, uint64_t) {
                      FillPattern(frame, writer->frames_written() + 1);
                    },
                    stop);
                // Leaving is how the reader learns the stream is complete.
                writer->close();
                return status;
              });
          return absl::OkStatus();
        });

ZB_STEP(
    kWhen, "the '([^']*)' process reads all frames and signals immediately",
    [](StepContext& context, const std::string&) -> absl::Status {
      FrameFlow& flow = context.State<FrameFlow>();
      const std::atomic<uint64_t> unlimited{
          std::numeric_limits<uint64_t>::max()};
      ReadStream(
          context.State<Endpoints>().reader(), flow, unlimited,
          absl::ZeroDuration(), absl::Now() + context.step_time_limit() * 0.8,
          [](const Frame& frame, uint64_t) -> std::string {
            if (auto bad =
                    FindPatternMismatch(frame.span(), frame.sequence())) {
              return absl::StrCat("frame ", frame.sequence(),
                                  " differs from its pattern at byte ", *bad);
            }
            return std::string();
          },
          std::stop_token());
      const FlowRecord record = flow.reading();
      const double seconds =
          std::max(absl::ToDoubleSeconds(record.elapsed()), 1e-6);
      context.log().Info(absl::StrCat(
          "Reader: ", DescribeFlow(record), " (",
          static_cast<int64_t>(static_cast<double>(record.frames) / seconds),
          " frames/s)"));
      return absl::OkStatus();
    });

// Routed to the reader in 4.9; judges whichever side this process ran.
ZB_STEP(kThen, "all sequence numbers should be correct",
        [](StepContext& context) -> absl::Status {
          const FrameFlow& flow = context.State<FrameFlow>();
          const FlowRecord reading = flow.reading();
          if (reading.started()) return ExpectCleanRecord(reading, "reader");
          const FlowRecord writing = flow.writing();
          if (writing.started()) return ExpectCleanRecord(writing, "writer");
          return Failed("no stream was read or written in this process");
        });

// See frame_flow.h for what each side records and what this checks.
ZB_STEP(kThen, "no frames should be lost",
        [](StepContext& context) -> absl::Status {
          const absl::Status stopped = StopLocalLoops(context);
          if (!stopped.ok()) return stopped;
          const FrameFlow& flow = context.State<FrameFlow>();
          const FlowRecord writing = flow.writing();
          const FlowRecord reading = flow.reading();
          if (!writing.started() && !reading.started()) {
            return Failed("no stream was read or written in this process");
          }
          if (writing.started()) {
            const absl::Status clean = ExpectCleanRecord(writing, "writer");
            if (!clean.ok()) return clean;
            absl::StatusOr<QueuedItems> queued =
                WalkQueuedItems(SegmentAccess(writing.buffer));
            if (!queued.ok()) return queued.status();
            if (queued->frames.size() > writing.frames) {
              return Failed(absl::StrCat(
                  "the ring queues ", queued->frames.size(),
                  " frames; the writer wrote only ", writing.frames));
            }
            const uint64_t consumed = writing.frames - queued->frames.size();
            const absl::Status intact = ExpectQueuedFrom(
                *queued, consumed + 1,
                absl::StrCat("the writer wrote ", writing.frames));
            if (!intact.ok()) return intact;
            context.log().Info(
                absl::StrCat("Writer: ", DescribeFlow(writing),
                             "; the reader took frames 1..", consumed, ", ",
                             queued->frames.size(), " still queued intact"));
          }
          if (reading.started()) {
            const absl::Status clean = ExpectCleanRecord(reading, "reader");
            if (!clean.ok()) return clean;
            absl::StatusOr<QueuedItems> queued =
                WalkQueuedItems(SegmentAccess(reading.buffer));
            if (!queued.ok()) return queued.status();
            const absl::Status intact = ExpectQueuedFrom(
                *queued, reading.last_sequence + 1,
                absl::StrCat("the reader read up to ", reading.last_sequence));
            if (!intact.ok()) return intact;
            context.log().Info(absl::StrCat("Reader: ", DescribeFlow(reading),
                                            "; ", queued->frames.size(),
                                            " frames still queued"));
          }
          return absl::OkStatus();
        });

// Routed to the reader in 4.9: both loops ran to their end in time. The
// reader's ended because the writer finished and left (the library reports
// that only once every frame is read), so the writer did not hang either.
ZB_STEP(kThen, "no deadlocks should occur",
        [](StepContext& context) -> absl::Status {
          const FrameFlow& flow = context.State<FrameFlow>();
          const FlowRecord reading = flow.reading();
          const FlowRecord writing = flow.writing();
          if (!reading.started() && !writing.started()) {
            return Failed("no stream was read or written in this process");
          }
          for (const FlowRecord* record : {&reading, &writing}) {
            if (record->started() && record->end != FlowEnd::kComplete) {
              return Failed(absl::StrCat(
                  "a ", record == &reading ? "reader" : "writer",
                  " loop did not complete: ", DescribeFlow(*record)));
            }
          }
          if (reading.started()) {
            const OIEB oieb = SegmentAccess(reading.buffer).Snapshot();
            if (oieb.writer_pid != 0 ||
                oieb.payload_read_count != oieb.payload_written_count) {
              return Failed(absl::StrCat(
                  "the writer has not finished (writer_pid ", oieb.writer_pid,
                  ") or frames are left: ", DescribeRing(oieb)));
            }
          }
          context.log().Info(absl::StrCat(
              reading.started() ? "Reader: " + DescribeFlow(reading) : "",
              writing.started() ? " Writer: " + DescribeFlow(writing) : ""));
          return absl::OkStatus();
        });

}  // namespace
}  // namespace zerobuffer::steps

// Steps of feature 04 for a writer faster than a paced reader (4.5): the
// reader reads a frame every few milliseconds, the writer must wait for it
// and lose nothing. Both loops record into FrameFlow. Sentences and
// semantics: step-catalog section 3.

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstring>
#include <limits>
#include <span>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "steps/context.h"
#include "steps/edge_cases/frame_flow.h"
#include "steps/edge_cases/stream_loops.h"
#include "steps/registry.h"
#include "steps/step_failure.h"
#include "steps/support/data_patterns.h"
#include "steps/support/endpoints.h"
#include "steps/support/segment_access.h"
#include "zerobuffer/zerobuffer.h"

namespace zerobuffer::steps {
namespace {

// 4.5, after upstream C#: 100-byte frames whose first 4 bytes count from 0
// (little-endian), at most 200 of them; a write slower than 20 ms blocked.
constexpr size_t kPacedFrameSize = 100;
constexpr uint32_t kPacedMaxFrames = 200;
constexpr absl::Duration kBlockedWrite = absl::Milliseconds(20);
// What "blocks appropriately" and "flow control works" ask of the writer
// when the reader reads 100 frames (upstream C#'s thresholds).
constexpr uint64_t kMinBlockedWrites = 80;
constexpr uint64_t kMinPacedFramesWritten = 100;
constexpr absl::Duration kFastWrite = absl::Milliseconds(5);
constexpr uint64_t kLongestPause = 1000;  // ms a paced reader may sleep

struct PacedReadState {
  std::atomic<uint64_t> target{std::numeric_limits<uint64_t>::max()};
  uint64_t pause_ms = 0;
};

uint32_t LoadCounter(std::span<const std::byte> frame) {
  uint8_t bytes[4];
  std::memcpy(bytes, frame.data(), sizeof(bytes));
  return bytes[0] | bytes[1] << 8 | bytes[2] << 16 |
         static_cast<uint32_t>(bytes[3]) << 24;
}

void StoreCounter(std::span<std::byte> frame, uint32_t counter) {
  for (int i = 0; i < 4; ++i) {
    frame[i] = static_cast<std::byte>(counter >> (8 * i));
  }
}

struct PacedWriterStats {
  uint64_t frames = 0;
  uint64_t blocked = 0;
  uint64_t buffered = 0;  // frames the empty ring takes without waiting
  absl::Duration first_average;
  absl::Duration later_average;

  std::string ToString() const {
    return absl::StrCat(frames, " frames written, ", blocked, " took over ",
                        absl::FormatDuration(kBlockedWrite), "; the first ",
                        buffered, " averaged ",
                        absl::FormatDuration(first_average), ", the rest ",
                        absl::FormatDuration(later_average));
  }
};

absl::Duration Average(std::span<const absl::Duration> times) {
  if (times.empty()) return absl::ZeroDuration();
  absl::Duration sum;
  for (const absl::Duration time : times) sum += time;
  return sum / static_cast<int64_t>(times.size());
}

PacedWriterStats PacedStats(StepContext& context) {
  const FlowRecord record = context.State<FrameFlow>().writing();
  if (!record.started()) {
    throw StepFailure("no continuous writer ran in this process");
  }
  PacedWriterStats stats;
  const std::vector<absl::Duration>& times = record.write_times;
  stats.frames = times.size();
  stats.blocked =
      std::count_if(times.begin(), times.end(),
                    [](absl::Duration t) { return t > kBlockedWrite; });
  const uint64_t ring_size =
      SegmentAccess(record.buffer).Snapshot().payload_size;
  stats.buffered = std::min<uint64_t>(
      ring_size / (kFrameHeaderSize + kPacedFrameSize), times.size());
  const std::span<const absl::Duration> all(times);
  stats.first_average = Average(all.first(stats.buffered));
  stats.later_average = Average(all.subspan(stats.buffered));
  return stats;
}

ZB_STEP(kWhen, "the '([^']*)' process writes continuously at high speed",
        [](StepContext& context, const std::string&) -> absl::Status {
          Writer* writer = &context.State<Endpoints>().writer();
          FrameFlow* flow = &context.State<FrameFlow>();
          context.tasks().Start(
              FrameFlow::kWriterTask,
              [writer, flow](std::stop_token stop) -> absl::Status {
                return WriteStream(
                    *writer, *flow, kPacedMaxFrames, kPacedFrameSize,
                    [](std::span<std::byte> frame, uint64_t index) {
                      FillPattern(frame, index);
                      StoreCounter(frame, static_cast<uint32_t>(index));
                    },
                    stop);
              });
          return absl::OkStatus();
        });

ZB_STEP(kWhen, "the '([^']*)' process reads with '(\\d+)' ms delay per frame",
        [](StepContext& context, const std::string&,
           uint64_t pause_ms) -> absl::Status {
          if (pause_ms > kLongestPause) {
            return Failed(absl::StrCat(pause_ms, " ms per frame is longer ",
                                       "than these steps pace (at most ",
                                       kLongestPause, " ms)"));
          }
          Reader* reader = &context.State<Endpoints>().reader();
          FrameFlow* flow = &context.State<FrameFlow>();
          PacedReadState* paced = &context.State<PacedReadState>();
          paced->pause_ms = pause_ms;
          context.tasks().Start(
              FrameFlow::kReaderTask,
              [reader, flow, paced, pause_ms](std::stop_token stop) {
                ReadStream(
                    *reader, *flow, paced->target, absl::Milliseconds(pause_ms),
                    absl::InfiniteFuture(),
                    [](const Frame& frame, uint64_t index) -> std::string {
                      if (frame.size() < 4) {
                        return absl::StrCat("frame ", frame.sequence(),
                                            " is too short for a counter");
                      }
                      const uint32_t counter = LoadCounter(frame.span());
                      if (counter != index) {
                        return absl::StrCat("frame ", frame.sequence(),
                                            " carries counter ", counter,
                                            ", expected ", index);
                      }
                      return std::string();
                    },
                    stop);
                return absl::OkStatus();
              });
          return absl::OkStatus();
        });

ZB_STEP(kWhen, "the '([^']*)' process the test runs for '(\\d+)' frames",
        [](StepContext& context, const std::string&,
           uint64_t frames) -> absl::Status {
          BackgroundTask* task = context.tasks().Find(FrameFlow::kReaderTask);
          if (task == nullptr) return Failed("no paced reader is running");
          PacedReadState& paced = context.State<PacedReadState>();
          paced.target = frames;
          // Each frame costs the pause plus the read; stay inside the step.
          const absl::Duration expected =
              static_cast<int64_t>(frames) *
                  absl::Milliseconds(paced.pause_ms + 100) +
              absl::Seconds(2);
          const absl::Duration wait =
              std::min(expected, context.step_time_limit() * 0.8);
          if (!task->WaitFor(wait).has_value()) {
            task->RequestStop();
            return Failed(absl::StrCat(
                "the reader read ", context.State<FrameFlow>().reading().frames,
                " of ", frames, " frames in ", absl::FormatDuration(wait)));
          }
          context.log().Info(absl::StrCat(
              "Reader: ", DescribeFlow(context.State<FrameFlow>().reading())));
          return absl::OkStatus();
        });

ZB_STEP(kThen, "the '([^']*)' process should receive all frames without loss",
        [](StepContext& context, const std::string&) -> absl::Status {
          const FlowRecord record = context.State<FrameFlow>().reading();
          if (!record.started()) return Failed("no paced reader ran");
          const absl::Status clean = ExpectCleanRecord(record, "reader");
          if (!clean.ok()) return clean;
          const uint64_t target = context.State<PacedReadState>().target;
          if (record.frames < target || record.end != FlowEnd::kComplete) {
            return Failed(absl::StrCat("expected ", target,
                                       " frames: ", DescribeFlow(record)));
          }
          return absl::OkStatus();
        });

ZB_STEP(kThen, "the '([^']*)' process should block appropriately",
        [](StepContext& context, const std::string&) -> absl::Status {
          const PacedWriterStats stats = PacedStats(context);
          if (stats.blocked <= kMinBlockedWrites ||
              stats.later_average <= kBlockedWrite) {
            return Failed(
                absl::StrCat("expected more than ", kMinBlockedWrites,
                             " blocked writes averaging over ",
                             absl::FormatDuration(kBlockedWrite),
                             " once the ring filled: ", stats.ToString()));
          }
          context.log().Info(stats.ToString());
          return absl::OkStatus();
        });

ZB_STEP(kThen, "the '([^']*)' process flow control should work correctly",
        [](StepContext& context, const std::string&) -> absl::Status {
          const PacedWriterStats stats = PacedStats(context);
          if (stats.frames < kMinPacedFramesWritten ||
              stats.blocked <= kMinBlockedWrites ||
              stats.first_average >= kFastWrite ||
              stats.later_average <= kBlockedWrite) {
            return Failed(absl::StrCat(
                "expected at least ", kMinPacedFramesWritten,
                " frames, more than ", kMinBlockedWrites,
                " blocked, the buffered ones under ",
                absl::FormatDuration(kFastWrite), " and the rest over ",
                absl::FormatDuration(kBlockedWrite), ": ", stats.ToString()));
          }
          context.log().Info(stats.ToString());
          return absl::OkStatus();
        });

}  // namespace
}  // namespace zerobuffer::steps

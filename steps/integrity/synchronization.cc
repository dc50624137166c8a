// Steps of feature 06 (synchronization and data integrity): a sequence gap
// the reader must report with the right numbers, a burst read after a
// pause, a slow reader throttling a writer, and one semaphore signal per
// frame. Sentences and routing: step-catalog section 3, feature 06.

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "steps/context.h"
#include "steps/edge_cases/frame_flow.h"
#include "steps/integrity/integrity_support.h"
#include "steps/registry.h"
#include "steps/step_failure.h"
#include "steps/support/captured_error.h"
#include "steps/support/data_patterns.h"
#include "steps/support/endpoints.h"
#include "steps/support/segment_access.h"
#include "steps/support/stream_state.h"
#include "steps/support/write_when_room.h"
#include "zerobuffer/free_space.h"
#include "zerobuffer/zerobuffer.h"

namespace zerobuffer::steps {
namespace {

using integrity::DescribePatternMismatch;
using integrity::kReadTimeout;
using integrity::ReadAttempt;

// The frame size of the writes whose size no sentence names, as in the
// feature-01 steps.
constexpr size_t kFrameSize = 1024;

// Loops stop here, well inside the step server's limit.
absl::Time LoopDeadline(StepContext& context) {
  return absl::Now() + context.step_time_limit() * 0.8;
}

// ---------------------------------------------------------------------------
// 6.1: a sequence gap. "the 'reader' process attempts to read frame" is a
// feature-05 step (corruption_detection.cc).

ZB_STEP(kWhen, "the test corrupts next frame sequence to '(\\d+)'",
        [](StepContext& context, uint64_t sequence) -> absl::Status {
          const std::string name = integrity::CurrentBufferName(context);
          SegmentAccess segment(name);
          const uint64_t offset = integrity::NextUnreadFrameOffset(segment);
          FrameHeader header = segment.HeaderAt(offset);
          const uint64_t original = header.sequence_number;
          header.sequence_number = sequence;
          segment.SetHeader(offset, header);
          context.log().Info(absl::StrCat(
              "The next unread frame of ", name, " (ring offset ", offset, ", ",
              header.payload_size, " bytes) now claims sequence ", sequence,
              " instead of ", original));
          return absl::OkStatus();
        });

ZB_STEP(kThen, "the read should fail with sequence error",
        [](StepContext& context) -> absl::Status {
          const absl::Status refused = ExpectCapturedError(
              context, ErrorCode::kSequenceError, "sequence error");
          if (!refused.ok()) return refused;
          return integrity::ExpectFrameLeftUnread(context);
        });

// Upstream's scenario says expected '4' got '5' after frames 1 and 2 were
// read; the reader then expects 3 (step-catalog 2.7), which our feature file
// says. The step checks whatever numbers the sentence names.
ZB_STEP(kThen, "the error should show expected '(\\d+)' got '(\\d+)'",
        [](StepContext& context, uint64_t expected,
           uint64_t got) -> absl::Status {
          const ReadAttempt& attempt = context.State<ReadAttempt>();
          if (!attempt.expected_sequence.has_value()) {
            return Failed("the last read attempt raised no sequence error");
          }
          if (*attempt.expected_sequence != expected ||
              *attempt.got_sequence != got) {
            return Failed(absl::StrCat(
                "the sequence error shows expected ",
                *attempt.expected_sequence, " got ", *attempt.got_sequence,
                ", the scenario says expected ", expected, " got ", got));
          }
          return absl::OkStatus();
        });

// ---------------------------------------------------------------------------
// 6.2: a burst read after a pause.

struct BurstRead {
  uint64_t wanted = 0;
  std::vector<uint64_t> sequences;
  std::vector<std::string> damaged;
  uint64_t bytes = 0;
};

ZB_STEP(kWhen, "the '([^']*)' process waits '(\\d+)' seconds? before reading",
        [](StepContext& context, const std::string&,
           uint64_t seconds) -> absl::Status {
          const absl::Duration pause = absl::Seconds(seconds);
          if (pause > context.step_time_limit() * 0.8) {
            return absl::InvalidArgumentError(
                absl::StrCat("a ", seconds, " s pause does not fit the ",
                             absl::FormatDuration(context.step_time_limit()),
                             " step limit"));
          }
          // The pause is the scenario's point: the writer's burst lands in
          // the ring before anyone reads.
          absl::SleepFor(pause);
          return absl::OkStatus();
        });

ZB_STEP(kWhen, "the '([^']*)' process reads all '(\\d+)' frames",
        [](StepContext& context, const std::string&,
           uint64_t count) -> absl::Status {
          Reader& reader = context.State<Endpoints>().reader();
          ReadState& read_state = context.State<ReadState>();
          BurstRead& burst = context.State<BurstRead>();
          burst = BurstRead();
          burst.wanted = count;
          const absl::Time deadline = LoopDeadline(context);
          while (burst.sequences.size() < count) {
            if (absl::Now() >= deadline) {
              return Failed(absl::StrCat("read ", burst.sequences.size(),
                                         " of ", count,
                                         " frames before the time limit"));
            }
            Frame frame;
            try {
              frame = reader.read_frame(kReadTimeout);
            } catch (const WriterDeadException& error) {
              return Failed(absl::StrCat("the stream ended after ",
                                         burst.sequences.size(), " of ", count,
                                         " frames: ", error.what()));
            }
            if (!frame.valid()) {
              return Failed(absl::StrCat(
                  "frame ", burst.sequences.size() + 1, " of ", count,
                  " did not arrive within ", kReadTimeout.count(), " ms"));
            }
            burst.sequences.push_back(frame.sequence());
            read_state.sequences.push_back(frame.sequence());
            burst.bytes += frame.size();
            if (std::optional<std::string> mismatch = DescribePatternMismatch(
                    frame.span(), frame.sequence(),
                    absl::StrCat("frame ", frame.sequence()))) {
              burst.damaged.push_back(*mismatch);
            }
          }
          context.log().Info(absl::StrCat("Read ", count, " frames (",
                                          burst.bytes, " bytes)"));
          return absl::OkStatus();
        });

const BurstRead& CompletedBurst(StepContext& context) {
  const BurstRead& burst = context.State<BurstRead>();
  if (burst.wanted == 0) throw StepFailure("no frames were read in a burst");
  return burst;
}

ZB_STEP(kThen, "all frames should be received correctly",
        [](StepContext& context) -> absl::Status {
          const BurstRead& burst = CompletedBurst(context);
          if (burst.sequences.size() != burst.wanted) {
            return Failed(absl::StrCat("received ", burst.sequences.size(),
                                       " of ", burst.wanted, " frames"));
          }
          for (size_t i = 0; i < burst.sequences.size(); ++i) {
            if (burst.sequences[i] != i + 1) {
              return Failed(absl::StrCat(
                  "frame ", i + 1, " carried sequence ", burst.sequences[i],
                  " (received: ", absl::StrJoin(burst.sequences, ","), ")"));
            }
          }
          return absl::OkStatus();
        });

ZB_STEP(kThen, "data integrity should be maintained",
        [](StepContext& context) -> absl::Status {
          const BurstRead& burst = CompletedBurst(context);
          if (!burst.damaged.empty()) {
            return Failed(absl::StrCat(
                burst.damaged.size(), " of ", burst.sequences.size(),
                " frames are damaged: ", absl::StrJoin(burst.damaged, "; ")));
          }
          context.log().Info(absl::StrCat(
              "All ", burst.sequences.size(), " frames (", burst.bytes,
              " bytes) follow their (i + sequence) % 256 pattern"));
          return absl::OkStatus();
        });

// ---------------------------------------------------------------------------
// 6.3: a slow reader throttles the writer.
//
// The writer writes three rings' worth of 4096-byte frames (36 in 6.3's
// 51200-byte ring), so about two thirds of its writes must wait for the
// reader, then stops and stays connected; the reader reads until no frame
// has come for a second. At one frame per 100 ms that takes about 4 s. Both
// loops also record into FrameFlow (steps/edge_cases/frame_flow.h), which
// the shared "no frames should be lost" judges.

constexpr size_t kFlowFrameSize = 4096;
constexpr uint64_t kFlowRings = 3;
// Bounds the stream for rings far larger than 6.3's (12 s at 100 ms a frame).
constexpr uint64_t kMaxFlowFrames = 120;
// The reader's end of the stream: the writer writes as soon as a release
// makes room, so a second without a frame means it is done.
constexpr std::chrono::milliseconds kQuietEnd{1000};
constexpr uint64_t kMaxReadInterval = 10000;  // ms

struct FlowWrite {
  // The ring had no room when the write began (the writer's own space
  // rule said so), so it waited for the reader.
  bool waited = false;
  uint64_t unread_bytes_before = 0;
};

struct FlowWrites {
  uint64_t ring_size = 0;
  uint64_t planned = 0;
  uint64_t ring_capacity = 0;  // frames that fit in the ring at once
  std::mutex mutex;
  std::vector<FlowWrite> done;
};

struct FlowWriteState {
  std::shared_ptr<FlowWrites> writes;
};

// The writer loop: `writes->planned` frames, each waiting for room as long
// as `give_up` allows.
absl::Status WriteFlow(Writer& writer, FlowWrites& writes, FrameFlow& flow,
                       absl::Time give_up, std::stop_token stop) {
  const uint64_t frame_bytes = kFrameHeaderSize + kFlowFrameSize;
  std::vector<std::byte> frame(kFlowFrameSize);
  for (uint64_t i = 0; i < writes.planned; ++i) {
    const OIEB oieb = writer.oieb_snapshot();
    FlowWrite write;
    write.unread_bytes_before = writes.ring_size - oieb.payload_free_bytes;
    write.waited =
        oieb.payload_free_bytes < PlanWriteFor(oieb, frame_bytes).required_free;
    const uint64_t sequence = writer.frames_written() + 1;
    FillPattern(frame, sequence);
    const absl::Time start = absl::Now();
    if (!WriteWhenRoom(writer, frame, stop, give_up)) {
      const bool stopped = stop.stop_requested();
      flow.EndWriting(stopped ? FlowEnd::kStopped : FlowEnd::kTimedOut,
                      absl::StrCat("frame ", sequence, " found no room"));
      return stopped ? absl::CancelledError("the writer was stopped")
                     : absl::DeadlineExceededError(absl::StrCat(
                           "frame ", sequence, " found no room in time"));
    }
    flow.Written(sequence, absl::Now() - start);
    std::lock_guard lock(writes.mutex);
    writes.done.push_back(write);
  }
  flow.EndWriting(FlowEnd::kComplete, "");
  return absl::OkStatus();
}

ZB_STEP(kWhen, "the '([^']*)' process writes frames continuously",
        [](StepContext& context, const std::string&) -> absl::Status {
          Writer* writer = &context.State<Endpoints>().writer();
          auto writes = std::make_shared<FlowWrites>();
          writes->ring_size = writer->oieb_snapshot().payload_size;
          writes->ring_capacity =
              writes->ring_size / (kFrameHeaderSize + kFlowFrameSize);
          // Half the ring at most, or a frame can meet a write position where
          // it never fits (protocol.md 6.2).
          if (writes->ring_capacity < 2) {
            return Failed(absl::StrCat("the ", writes->ring_size,
                                       "-byte ring is too small to stream ",
                                       kFlowFrameSize, "-byte frames"));
          }
          writes->planned =
              std::min(kFlowRings * writes->ring_capacity, kMaxFlowFrames);
          context.State<FlowWriteState>().writes = writes;
          FrameFlow* flow = &context.State<FrameFlow>();
          flow->BeginWriting(writer->name());
          const absl::Time give_up = absl::Now() + context.step_time_limit();
          context.tasks().Start(
              FrameFlow::kWriterTask,
              [writer, writes, flow, give_up](std::stop_token stop) {
                try {
                  return WriteFlow(*writer, *writes, *flow, give_up, stop);
                } catch (const std::exception& error) {
                  flow->EndWriting(FlowEnd::kFailed, error.what());
                  throw;
                }
              });
          context.log().Info(absl::StrCat(
              "Writing ", writes->planned, " frames of ", kFlowFrameSize,
              " bytes in the background; ", writes->ring_capacity,
              " fit in the ", writes->ring_size, "-byte ring at once"));
          return absl::OkStatus();
        });

ZB_STEP(kWhen, "the '([^']*)' process reads one frame every '(\\d+)' ms",
        [](StepContext& context, const std::string&,
           uint64_t interval_ms) -> absl::Status {
          if (interval_ms > kMaxReadInterval) {
            return absl::InvalidArgumentError(
                absl::StrCat("a read every ", interval_ms,
                             " ms is too slow for "
                             "a step (at most ",
                             kMaxReadInterval, " ms)"));
          }
          Reader& reader = context.State<Endpoints>().reader();
          FrameFlow& flow = context.State<FrameFlow>();
          flow.BeginReading(reader.name());
          const absl::Time deadline = LoopDeadline(context);
          FlowEnd end = FlowEnd::kTimedOut;
          uint64_t frames = 0;
          while (absl::Now() < deadline) {
            Frame frame;
            try {
              frame = reader.read_frame(frames == 0 ? kReadTimeout : kQuietEnd);
            } catch (const WriterDeadException&) {
              end = FlowEnd::kComplete;  // the writer left, everything was read
              break;
            }
            if (!frame.valid()) {
              if (frames == 0) {
                flow.EndReading(FlowEnd::kTimedOut, "no frame arrived");
                return Failed(absl::StrCat("no frame arrived within ",
                                           kReadTimeout.count(), " ms"));
              }
              end = FlowEnd::kComplete;
              break;
            }
            ++frames;
            flow.Read(frame.sequence());
            if (std::optional<std::string> mismatch = DescribePatternMismatch(
                    frame.span(), frame.sequence(),
                    absl::StrCat("frame ", frame.sequence()))) {
              flow.Problem(*mismatch);
            }
            frame.release();
            absl::SleepFor(absl::Milliseconds(interval_ms));
          }
          flow.EndReading(end, end == FlowEnd::kComplete
                                   ? "no frame for a second: the writer is done"
                                   : "the step's time ran out");
          const FlowRecord record = flow.reading();
          context.log().Info(
              absl::StrCat("Read ", record.frames, " frames, one every ",
                           interval_ms, " ms (", FlowEndName(record.end), ")"));
          if (record.problem_count > 0) {
            return Failed(absl::StrJoin(record.problems, "; "));
          }
          return absl::OkStatus();
        });

// Joins the continuous writer; the reader has read everything by now.
FlowWrites& FinishedFlowWrites(StepContext& context) {
  const std::shared_ptr<FlowWrites>& writes =
      context.State<FlowWriteState>().writes;
  BackgroundTask* task = context.tasks().Find(FrameFlow::kWriterTask);
  if (writes == nullptr || task == nullptr) {
    throw StepFailure("no continuous writer was started");
  }
  const std::optional<absl::Status> ended =
      task->WaitFor(absl::FromChrono(kReadTimeout));
  if (!ended.has_value()) {
    std::lock_guard lock(writes->mutex);
    throw StepFailure(absl::StrCat("the writer is still writing (",
                                   writes->done.size(), " of ", writes->planned,
                                   " frames written)"));
  }
  if (!ended->ok()) {
    throw StepFailure(absl::StrCat("the writer failed: ", ended->message()));
  }
  return *writes;
}

ZB_STEP(kThen, "the '([^']*)' process should block when buffer full",
        [](StepContext& context, const std::string&) -> absl::Status {
          FlowWrites& writes = FinishedFlowWrites(context);
          std::lock_guard lock(writes.mutex);
          const auto first =
              std::find_if(writes.done.begin(), writes.done.end(),
                           [](const FlowWrite& write) { return write.waited; });
          if (first == writes.done.end()) {
            return Failed(absl::StrCat("none of the ", writes.done.size(),
                                       " writes waited for room: the ",
                                       writes.ring_size,
                                       "-byte ring never filled"));
          }
          const auto waited = std::count_if(
              writes.done.begin(), writes.done.end(),
              [](const FlowWrite& write) { return write.waited; });
          const std::vector<absl::Duration> times =
              context.State<FrameFlow>().writing().write_times;
          const absl::Duration longest =
              times.empty() ? absl::ZeroDuration()
                            : *std::max_element(times.begin(), times.end());
          context.log().Info(absl::StrCat(
              waited, " of ", writes.done.size(),
              " writes waited for the reader; the first was write ",
              first - writes.done.begin() + 1, " with ",
              first->unread_bytes_before, " of ", writes.ring_size,
              " bytes unread; the slowest write took ",
              absl::FormatDuration(longest)));
          return absl::OkStatus();
        });

ZB_STEP(kThen, "flow control should work correctly",
        [](StepContext& context) -> absl::Status {
          FlowWrites& writes = FinishedFlowWrites(context);
          std::lock_guard lock(writes.mutex);
          // Throttled, not failed: every frame went in, none timed out.
          if (writes.done.size() != writes.planned) {
            return Failed(absl::StrCat("wrote ", writes.done.size(), " of ",
                                       writes.planned, " frames"));
          }
          // Never ahead of the reader by more than the ring.
          for (size_t i = 0; i < writes.done.size(); ++i) {
            if (writes.done[i].unread_bytes_before > writes.ring_size) {
              return Failed(absl::StrCat("before write ", i + 1, ", ",
                                         writes.done[i].unread_bytes_before,
                                         " bytes were unread in a ",
                                         writes.ring_size, "-byte ring"));
            }
          }
          // Once the ring was full, the writer moved at the reader's pace: a
          // release makes room for about one frame, so most later writes wait.
          const auto first =
              std::find_if(writes.done.begin(), writes.done.end(),
                           [](const FlowWrite& write) { return write.waited; });
          const auto later = writes.done.end() - first;
          const auto waited = std::count_if(
              first, writes.done.end(),
              [](const FlowWrite& write) { return write.waited; });
          if (later == 0 || waited * 2 < later) {
            return Failed(absl::StrCat(
                "only ", waited, " of the ", later,
                " writes from the first full ring on waited for the reader"));
          }
          // Everything was read and released: no space went missing.
          const OIEB now = context.State<Endpoints>().writer().oieb_snapshot();
          if (now.payload_free_bytes != now.payload_size) {
            return Failed(
                absl::StrCat("with every frame read, payload_free_bytes "
                             "is ",
                             now.payload_free_bytes, " of ", now.payload_size));
          }
          context.log().Info(absl::StrCat(
              "All ", writes.planned, " frames written; ", waited, " of the ",
              later,
              " writes after the ring filled waited for the reader; the "
              "ring is empty again"));
          return absl::OkStatus();
        });

// ---------------------------------------------------------------------------
// 6.4: one semaphore signal per frame, none coalesced.

struct SignalCounts {
  std::optional<int> pending_before_reading;
  std::optional<int> pending_after_reading;
  int frames_processed = 0;
};

int SignalCount(const SegmentAccess& segment) {
  const std::optional<int> count = segment.FramesSignalled();
  if (!count.has_value()) {
    throw StepFailure("this platform cannot tell a semaphore's count");
  }
  return *count;
}

absl::Status WriteOneSignalledFrame(StepContext& context) {
  Writer& writer = context.State<Endpoints>().writer();
  SegmentAccess segment(writer.name());
  const int before = SignalCount(segment);
  writer.write_frame(MakePattern(kFrameSize, writer.frames_written() + 1));
  const int after = SignalCount(segment);
  if (after != before + 1) {
    return Failed(absl::StrCat("sem-w went from ", before, " to ", after,
                               "; a frame is signalled exactly once"));
  }
  context.log().Info(absl::StrCat("Frame ", writer.frames_written(),
                                  " written; sem-w now ", after));
  return absl::OkStatus();
}

ZB_STEP(kWhen, "the '([^']*)' process writes frame and signal",
        [](StepContext& context, const std::string&) -> absl::Status {
          return WriteOneSignalledFrame(context);
        });

ZB_STEP(kWhen,
        "the '([^']*)' process immediately writes another frame before reader "
        "wakes",
        [](StepContext& context, const std::string&) -> absl::Status {
          return WriteOneSignalledFrame(context);
        });

ZB_STEP(kThen, "the '([^']*)' process should process both frames correctly",
        [](StepContext& context, const std::string&) -> absl::Status {
          Reader& reader = context.State<Endpoints>().reader();
          SegmentAccess segment(reader.name());
          SignalCounts& counts = context.State<SignalCounts>();
          counts = SignalCounts();
          counts.pending_before_reading = SignalCount(segment);
          std::optional<uint64_t> previous;
          for (int i = 0; i < 2; ++i) {
            Frame frame = reader.read_frame(kReadTimeout);
            if (!frame.valid()) {
              return Failed(absl::StrCat("frame ", i + 1,
                                         " of 2 did not "
                                         "arrive within ",
                                         kReadTimeout.count(), " ms"));
            }
            if (previous.has_value() && frame.sequence() != *previous + 1) {
              return Failed(absl::StrCat("frame ", frame.sequence(),
                                         " followed frame ", *previous));
            }
            if (std::optional<std::string> mismatch = DescribePatternMismatch(
                    frame.span(), frame.sequence(),
                    absl::StrCat("frame ", frame.sequence()))) {
              return Failed(*mismatch);
            }
            previous = frame.sequence();
            ++counts.frames_processed;
          }
          counts.pending_after_reading = SignalCount(segment);
          return absl::OkStatus();
        });

ZB_STEP(kThen, "the semaphore count should reflect pending frames",
        [](StepContext& context) -> absl::Status {
          const SignalCounts& counts = context.State<SignalCounts>();
          if (counts.frames_processed == 0) {
            return Failed("no pending frames were processed");
          }
          if (*counts.pending_before_reading != counts.frames_processed) {
            return Failed(
                absl::StrCat("sem-w held ", *counts.pending_before_reading,
                             " signals for ", counts.frames_processed,
                             " pending frames; every frame is signalled once"));
          }
          if (*counts.pending_after_reading != 0) {
            return Failed(
                absl::StrCat("after reading every frame sem-w still "
                             "holds ",
                             *counts.pending_after_reading));
          }
          context.log().Info(absl::StrCat(
              "sem-w held one signal per pending frame (",
              counts.frames_processed, ") and none after reading them"));
          return absl::OkStatus();
        });

}  // namespace
}  // namespace zerobuffer::steps

#include "steps/edge_cases/stream_loops.h"

#include <chrono>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "steps/step_failure.h"
#include "steps/support/write_when_room.h"

namespace zerobuffer::steps {
namespace {

// Reads wait in slices so that a stop request is noticed.
constexpr std::chrono::milliseconds kReadSlice{100};

}  // namespace

absl::Status WriteStream(
    Writer& writer, FrameFlow& flow, uint64_t count, size_t size,
    const std::function<void(std::span<std::byte>, uint64_t index)>& fill,
    std::stop_token stop) {
  flow.BeginWriting(writer.name());
  std::vector<std::byte> frame(size);
  for (uint64_t index = 0; index < count; ++index) {
    const uint64_t sequence = writer.frames_written() + 1;
    fill(frame, index);
    const absl::Time start = absl::Now();
    try {
      if (!WriteWhenRoom(writer, frame, stop)) {
        flow.EndWriting(FlowEnd::kStopped,
                        absl::StrCat("stopped after ", index, " frames"));
        return absl::OkStatus();
      }
    } catch (const ZeroBufferException& error) {
      flow.Abandoned(sequence, error.what());
      flow.EndWriting(FlowEnd::kFailed, error.what());
      return absl::InternalError(error.what());
    }
    flow.Written(sequence, absl::Now() - start);
  }
  flow.EndWriting(FlowEnd::kComplete, absl::StrCat("wrote ", count, " frames"));
  return absl::OkStatus();
}

void ReadStream(Reader& reader, FrameFlow& flow,
                const std::atomic<uint64_t>& target, absl::Duration pause,
                absl::Time give_up, const FrameCheck& check,
                std::stop_token stop) {
  flow.BeginReading(reader.name());
  uint64_t index = 0;
  while (true) {
    if (index >= target) {
      flow.EndReading(FlowEnd::kComplete,
                      absl::StrCat("read the ", index, " frames asked for"));
      return;
    }
    if (stop.stop_requested()) {
      flow.EndReading(FlowEnd::kStopped,
                      absl::StrCat("stopped after ", index, " frames"));
      return;
    }
    if (absl::Now() >= give_up) {
      flow.EndReading(FlowEnd::kTimedOut,
                      absl::StrCat("gave up after ", index, " frames"));
      return;
    }
    Frame frame;
    try {
      frame = reader.read_frame(kReadSlice);
    } catch (const WriterDeadException&) {
      flow.EndReading(FlowEnd::kComplete,
                      absl::StrCat("the writer left after ", index,
                                   " frames, all of them read"));
      return;
    } catch (const ZeroBufferException& error) {
      flow.Problem(error.what());
      flow.EndReading(FlowEnd::kFailed, error.what());
      return;
    }
    if (!frame.valid()) continue;
    const std::string problem = check(frame, index);
    if (!problem.empty()) flow.Problem(problem);
    flow.Read(frame.sequence());
    frame.release();
    ++index;
    if (pause > absl::ZeroDuration()) absl::SleepFor(pause);
  }
}

std::string DescribeFlow(const FlowRecord& record) {
  return absl::StrCat(record.frames, " frames (", record.first_sequence, "..",
                      record.last_sequence, "), ", FlowEndName(record.end),
                      record.end_detail.empty() ? "" : ": ", record.end_detail,
                      ", ", absl::FormatDuration(record.elapsed()));
}

absl::Status ExpectCleanRecord(const FlowRecord& record, const char* side) {
  if (record.frames == 0) {
    return Failed(absl::StrCat("the ", side,
                               " loop saw no frame: ", DescribeFlow(record)));
  }
  if (record.problem_count > 0 || record.abandoned > 0 ||
      record.first_sequence != 1 || record.last_sequence != record.frames) {
    return Failed(absl::StrCat(
        "the ", side, " loop: ", DescribeFlow(record), "; ", record.abandoned,
        " frames abandoned; ", record.problem_count,
        " problems: ", absl::StrJoin(record.problems, "; ")));
  }
  return absl::OkStatus();
}

}  // namespace zerobuffer::steps

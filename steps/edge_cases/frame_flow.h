// A stream of frames as one step-server process saw it, kept by the loops
// that produce and consume it, so that "no frames should be lost" can judge
// the stream in whichever process Harmony routes that sentence to: the
// reader in scenario 4.9, the writer in scenario 6.3.
//
// Contract for step libraries whose loops feed it (all methods are
// thread-safe; the loops run as background tasks or inside a step):
//
//   writer loop  flow.BeginWriting(writer.name());
//                per committed frame   flow.Written(sequence, time_taken);
//                per frame given up    flow.Abandoned(sequence, why);
//                when the loop ends    flow.EndWriting(FlowEnd::k..., detail);
//                Run it as context.tasks() task FrameFlow::kWriterTask, and
//                write with WriteWhenRoom (steps/support/write_when_room.h),
//                so that a stop request ends a write blocked on a full ring
//                within one slice.
//   reader loop  flow.BeginReading(reader.name());
//                per frame read        flow.Read(sequence);
//                per broken frame      flow.Problem(what);  (bad payload,
//                                      SequenceError, ...)
//                when the loop ends    flow.EndReading(FlowEnd::k..., detail);
//
// Sequence numbers are the library's (Frame::sequence(), or the number the
// writer's frames_written() reaches); the first frame of a writer is 1.
// Written/Read flag gaps and repeats as problems themselves.
//
// What "no frames should be lost" then checks (steps/edge_cases/
// flow_control.cc): it first asks this process's kWriterTask and
// kReaderTask loops to stop (they must end within 2 s), so the ring holds
// still; then, on each side this process recorded, the frames counted are
// 1..N without gap, repeat or problem, and nothing was abandoned; and every
// frame still queued between the read position and the last committed frame
// is intact and continues the sequence. Together: every frame committed was
// either consumed in order or is still queued. "all sequence numbers should
// be correct" and "no deadlocks should occur" (4.9) read the same records.

#ifndef ZEROBUFFER_STEPS_EDGE_CASES_FRAME_FLOW_H_
#define ZEROBUFFER_STEPS_EDGE_CASES_FRAME_FLOW_H_

#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "absl/time/time.h"

namespace zerobuffer::steps {

enum class FlowEnd {
  kRunning,   // not ended yet (or never started)
  kComplete,  // the stream ended as planned (all frames written / the
              // writer left and every frame was read)
  kStopped,   // a stop was requested
  kTimedOut,  // the loop's own deadline passed first
  kFailed,    // an exception ended it
};

const char* FlowEndName(FlowEnd end);

// One direction of the stream.
struct FlowRecord {
  std::string buffer;  // physical name; empty when this side never started
  FlowEnd end = FlowEnd::kRunning;
  std::string end_detail;
  uint64_t frames = 0;
  uint64_t first_sequence = 0;
  uint64_t last_sequence = 0;
  uint64_t abandoned = 0;
  // Gaps, repeats, broken frames, exceptions (the first few, then a count).
  std::vector<std::string> problems;
  uint64_t problem_count = 0;
  // Writer side: how long each committed write took, in order.
  std::vector<absl::Duration> write_times;
  absl::Time started_at;
  absl::Time ended_at;

  bool started() const { return !buffer.empty(); }
  bool running() const { return started() && end == FlowEnd::kRunning; }
  // Started to ended (or to now while running).
  absl::Duration elapsed() const;
};

class FrameFlow {
 public:
  // The background task name of a writer loop feeding this record.
  static constexpr char kWriterTask[] = "frame-flow-writer";
  // The background task name of a reader loop, when it runs in the
  // background.
  static constexpr char kReaderTask[] = "frame-flow-reader";

  void BeginWriting(const std::string& buffer);
  void Written(uint64_t sequence, absl::Duration took);
  void Abandoned(uint64_t sequence, const std::string& why);
  void EndWriting(FlowEnd end, const std::string& detail);

  void BeginReading(const std::string& buffer);
  void Read(uint64_t sequence);
  void Problem(const std::string& what);
  void EndReading(FlowEnd end, const std::string& detail);

  // Copies, safe to inspect while the loops go on.
  FlowRecord writing() const;
  FlowRecord reading() const;

 private:
  mutable std::mutex mutex_;
  FlowRecord writing_;
  FlowRecord reading_;
};

}  // namespace zerobuffer::steps

#endif  // ZEROBUFFER_STEPS_EDGE_CASES_FRAME_FLOW_H_

#include "steps/edge_cases/frame_flow.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace zerobuffer::steps {
namespace {

// Enough to diagnose; the count says how many more there were.
constexpr size_t kProblemsKept = 10;

void AddProblem(FlowRecord& record, const std::string& what) {
  ++record.problem_count;
  if (record.problems.size() < kProblemsKept) record.problems.push_back(what);
}

void Begin(FlowRecord& record, const std::string& buffer) {
  record = FlowRecord();
  record.buffer = buffer;
  record.started_at = absl::Now();
}

void Count(FlowRecord& record, uint64_t sequence, const char* verb) {
  if (record.frames == 0) {
    record.first_sequence = sequence;
  } else if (sequence != record.last_sequence + 1) {
    AddProblem(record,
               absl::StrCat(
                   verb, " frame ", sequence, " right after frame ",
                   record.last_sequence,
                   sequence > record.last_sequence + 1
                       ? absl::StrCat(" (", sequence - record.last_sequence - 1,
                                      " missing)")
                       : std::string(" (repeat or reorder)")));
  }
  record.last_sequence = sequence;
  ++record.frames;
}

void End(FlowRecord& record, FlowEnd end, const std::string& detail) {
  record.end = end;
  record.end_detail = detail;
  record.ended_at = absl::Now();
}

}  // namespace

const char* FlowEndName(FlowEnd end) {
  switch (end) {
    case FlowEnd::kRunning:
      return "running";
    case FlowEnd::kComplete:
      return "complete";
    case FlowEnd::kStopped:
      return "stopped";
    case FlowEnd::kTimedOut:
      return "timed out";
    case FlowEnd::kFailed:
      return "failed";
  }
  return "unknown";
}

absl::Duration FlowRecord::elapsed() const {
  return (end == FlowEnd::kRunning ? absl::Now() : ended_at) - started_at;
}

void FrameFlow::BeginWriting(const std::string& buffer) {
  std::lock_guard lock(mutex_);
  Begin(writing_, buffer);
}

void FrameFlow::Written(uint64_t sequence, absl::Duration took) {
  std::lock_guard lock(mutex_);
  Count(writing_, sequence, "wrote");
  writing_.write_times.push_back(took);
}

void FrameFlow::Abandoned(uint64_t sequence, const std::string& why) {
  std::lock_guard lock(mutex_);
  ++writing_.abandoned;
  AddProblem(writing_, absl::StrCat("frame ", sequence, " abandoned: ", why));
}

void FrameFlow::EndWriting(FlowEnd end, const std::string& detail) {
  std::lock_guard lock(mutex_);
  End(writing_, end, detail);
}

void FrameFlow::BeginReading(const std::string& buffer) {
  std::lock_guard lock(mutex_);
  Begin(reading_, buffer);
}

void FrameFlow::Read(uint64_t sequence) {
  std::lock_guard lock(mutex_);
  Count(reading_, sequence, "read");
}

void FrameFlow::Problem(const std::string& what) {
  std::lock_guard lock(mutex_);
  AddProblem(reading_, what);
}

void FrameFlow::EndReading(FlowEnd end, const std::string& detail) {
  std::lock_guard lock(mutex_);
  End(reading_, end, detail);
}

FlowRecord FrameFlow::writing() const {
  std::lock_guard lock(mutex_);
  return writing_;
}

FlowRecord FrameFlow::reading() const {
  std::lock_guard lock(mutex_);
  return reading_;
}

}  // namespace zerobuffer::steps

// Steps of feature 11 (stress): creating and destroying a buffer over and
// over (11.1) and streaming without pause for hours (11.3), both leaving
// nothing behind. Sentences and semantics: step-catalog section 3.
//
// Both run scaled (steps/support/scale.h): 11.1 a tenth of its cycles,
// 11.3 about nine seconds of its 24 hours; ZEROBUFFER_STEP_SCALE=1 runs
// the full size (serve then needs a --step_timeout above it). 11.5, which
// Harmony never runs, churns a buffer while a writer keeps connecting.

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "platform/file_lock.h"
#include "platform/paths.h"
#include "platform/process.h"
#include "steps/context.h"
#include "steps/registry.h"
#include "steps/step_failure.h"
#include "steps/support/buffer_objects.h"
#include "steps/support/endpoints.h"
#include "steps/support/scale.h"
#include "steps/system/benchmark_peer.h"
#include "steps/system/process_usage.h"
#include "steps/system/step_budget.h"
#include "zerobuffer/names.h"
#include "zerobuffer/zerobuffer.h"

namespace zerobuffer::steps {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

ZB_STEP(kGiven, "stress test environment is prepared",
        [](StepContext& context) -> absl::Status {
          context.Reset();
          StartPeerService(context);
          return absl::OkStatus();
        });

// 11.1: rapid create/destroy
//
// Harmony sends the create and destroy steps once each, so the count is
// remembered and the destroy step runs the remaining cycles itself, with
// the name and configuration of the buffer the create step made.

constexpr double kCycleFraction = 0.1;

struct CycleState {
  uint64_t cycles = 1;
  int64_t handles_before = 0;
  std::string buffer;
  BufferConfig config;
  uint64_t cycles_done = 0;
};

ZB_STEP(kGiven, "perform '(\\d+)' iterations of:",
        [](StepContext& context, uint64_t iterations) -> absl::Status {
          if (iterations == 0) return Failed("zero iterations asked for");
          CycleState& state = context.State<CycleState>();
          state.cycles = ScaledCount(context, iterations, kCycleFraction, 1,
                                     "create/destroy cycles");
          state.handles_before = OpenHandles(platform::CurrentProcessId());
          return absl::OkStatus();
        });

ZB_STEP(kWhen, "the '([^']*)' process destroys buffer",
        [](StepContext& context, const std::string&) -> absl::Status {
          CycleState& state = context.State<CycleState>();
          Reader& created = context.State<Endpoints>().reader();
          const OIEB oieb = created.oieb_snapshot();
          state.buffer = created.name();
          state.config = BufferConfig(oieb.metadata_size, oieb.payload_size);
          created.close();
          if (absl::Status gone =
                  ExpectNoObjects(state.buffer, "After cycle 1");
              !gone.ok()) {
            return gone;
          }
          state.cycles_done = 1;
          const auto deadline = LoopDeadline(context);
          const auto start = Clock::now();
          Clock::duration slowest{};
          while (state.cycles_done < state.cycles) {
            if (Clock::now() > deadline) {
              return Failed(absl::StrCat("only ", state.cycles_done, " of ",
                                         state.cycles,
                                         " cycles fit in the step time limit"));
            }
            const auto cycle_start = Clock::now();
            const std::string when =
                absl::StrCat("In cycle ", state.cycles_done + 1);
            {
              Reader reader(state.buffer, state.config);
              if (absl::Status made = ExpectAllObjects(state.buffer, when);
                  !made.ok()) {
                return made;
              }
            }
            if (absl::Status gone = ExpectNoObjects(state.buffer, when);
                !gone.ok()) {
              return gone;
            }
            slowest = std::max(slowest, Clock::now() - cycle_start);
            ++state.cycles_done;
          }
          const absl::Duration took = absl::FromChrono(Clock::now() - start);
          context.log().Info(absl::StrCat(
              "Ran ", state.cycles_done, " create/destroy cycles of '",
              state.buffer, "' (", state.config.payload_size,
              "-byte ring); the extra ", state.cycles_done - 1, " took ",
              absl::FormatDuration(took), ", the slowest ",
              absl::FormatDuration(absl::FromChrono(slowest))));
          return absl::OkStatus();
        });

const CycleState& CyclesOrFail(StepContext& context) {
  const CycleState& state = context.State<CycleState>();
  if (state.cycles_done == 0) throw StepFailure("no cycle has run");
  return state;
}

absl::Status ExpectHandlesBack(int64_t before, const std::string& when) {
  const int64_t now = OpenHandles(platform::CurrentProcessId());
  if (now > before) {
    return Failed(absl::StrCat(when, ", this process has ", now,
                               " open handles, ", before,
                               " before: ", now - before, " leaked"));
  }
  return absl::OkStatus();
}

// After `cycles` create/destroy cycles of `buffer` (11.1, 11.5): nothing
// naming it is left, and this process holds no more handles than the
// `handles_before` it held before the first.
absl::Status ExpectCyclesLeftNothing(const std::string& buffer, uint64_t cycles,
                                     int64_t handles_before) {
  const std::string when = absl::StrCat("After ", cycles, " cycles");
  if (absl::Status none = ExpectNothingNaming(buffer, when); !none.ok()) {
    return none;
  }
  return ExpectHandlesBack(handles_before, when);
}

// No lock file of `buffer` is left after `cycles` cycles.
absl::Status ExpectNoLockFiles(const std::string& buffer, uint64_t cycles) {
  std::vector<std::string> left;
  for (const std::string& lock : LockFilePaths(buffer)) {
    if (!platform::FileExists(lock)) continue;
    const absl::StatusOr<bool> held = platform::FileLock::IsHeld(lock);
    left.push_back(
        absl::StrCat(lock, held.ok() && *held ? " (held)" : " (not held)"));
  }
  if (!left.empty()) {
    return Failed(absl::StrCat("lock files remain after ", cycles,
                               " cycles: ", absl::StrJoin(left, ", ")));
  }
  return absl::OkStatus();
}

ZB_STEP(kThen, "no resource leaks should occur",
        [](StepContext& context) -> absl::Status {
          const CycleState& state = CyclesOrFail(context);
          return ExpectCyclesLeftNothing(state.buffer, state.cycles_done,
                                         state.handles_before);
        });

ZB_STEP(kThen, "lock files should be properly cleaned",
        [](StepContext& context) -> absl::Status {
          const CycleState& state = CyclesOrFail(context);
          return ExpectNoLockFiles(state.buffer, state.cycles_done);
        });

ZB_STEP(kThen, "system should remain stable",
        [](StepContext& context) -> absl::Status {
          const CycleState& state = CyclesOrFail(context);
          {
            Reader reader(state.buffer, state.config);
            Writer writer(state.buffer);
            const std::string text = "still working";
            writer.write_frame(text.data(), text.size());
            Frame frame = reader.read_frame(milliseconds(5000));
            if (!frame.valid() || frame.size() != text.size()) {
              return Failed(absl::StrCat("after ", state.cycles_done,
                                         " cycles a frame no longer arrives"));
            }
          }
          const std::string when = "After one more cycle with a frame";
          if (absl::Status none = ExpectNothingNaming(state.buffer, when);
              !none.ok()) {
            return none;
          }
          return ExpectHandlesBack(state.handles_before, when);
        });

// 11.3: continuous streaming
//
// The reader process receives no step after creating the buffer, so the
// stream runs to the peer service in that process (benchmark_peer.h),
// which checks every frame and acknowledges it. Frame sizes vary so that
// the ring wraps at ever different positions.

constexpr double kDurationFraction = 1e-4;  // 24 h -> 8.6 s
constexpr size_t kMaxStreamFrame = 128 << 10;

size_t StreamFrameSize(uint64_t sequence) {
  // Every size from the probe header up to 128 KiB, in a scrambled order.
  return kProbeHeaderSize +
         (sequence * 7919) % (kMaxStreamFrame - kProbeHeaderSize);
}

// How much more memory a process may hold after the run than before it: the
// allocator keeps freed frame copies for reuse, and first calls fault in
// code and data. A buffer's ring left mapped would be 32 MiB.
constexpr uint64_t kResidentGrowthAllowed = 16 << 20;

struct ProcessFigures {
  UsageSample usage;
  int64_t handles = 0;
  uint64_t resident_bytes = 0;
};

ProcessFigures FiguresOf(platform::ProcessId pid) {
  return {SampleUsage(pid), OpenHandles(pid), ResidentBytes(pid)};
}

struct StreamState {
  bool ran = false;
  absl::Duration planned;
  std::string probe_buffer;
  std::string ack_buffer;
  platform::ProcessId peer = 0;
  ProcessFigures own_before, own_after, peer_before, peer_after;

  uint64_t frames_sent = 0;
  uint64_t bytes_sent = 0;
  uint64_t acks = 0;
  uint64_t last_acked = 0;
  std::vector<std::string> problems;  // gaps, damaged frames
  uint64_t wrap_markers = 0;
  uint64_t ring_size = 0;
  // Frames acknowledged in each whole second of the run.
  std::vector<uint64_t> acks_per_second;
};

// Takes one ack into the stream's accounting.
void Account(StreamState& state, const ProbeAck& ack, Clock::time_point start) {
  if (ack.sequence != state.last_acked + 1 && state.problems.size() < 10) {
    state.problems.push_back(
        absl::StrCat("ack ", ack.sequence, " followed ", state.last_acked));
  }
  if (!ack.intact && state.problems.size() < 10) {
    state.problems.push_back(
        absl::StrCat("frame ", ack.sequence, " arrived damaged"));
  }
  state.last_acked = ack.sequence;
  ++state.acks;
  const size_t second = static_cast<size_t>(
      std::chrono::duration_cast<std::chrono::seconds>(Clock::now() - start)
          .count());
  if (state.acks_per_second.size() <= second) {
    state.acks_per_second.resize(second + 1, 0);
  }
  ++state.acks_per_second[second];
}

ZB_STEP(kWhen, "the test runs continuous write-read for '(\\d+)' hours",
        [](StepContext& context, uint64_t hours) -> absl::Status {
          constexpr uint64_t kMaxHours =
              std::numeric_limits<int64_t>::max() / 3600;
          if (hours == 0 || hours > kMaxHours) {
            return Failed(absl::StrCat(hours, " hours is no duration to run"));
          }
          StreamState& state = context.State<StreamState>();
          state.planned =
              ScaledDuration(context, absl::Hours(hours), kDurationFraction,
                             absl::Seconds(2), "of continuous write-read");
          if (state.planned > StepBudget(context)) {
            return Failed(
                absl::StrCat("a run of ", absl::FormatDuration(state.planned),
                             " does not fit the step time limit of ",
                             absl::FormatDuration(context.step_time_limit()),
                             "; start serve with a longer --step_timeout"));
          }
          // The peer service runs in the process owning the scenario's
          // buffer.
          state.peer =
              context.State<Endpoints>().writer().oieb_snapshot().reader_pid;
          state.own_before = FiguresOf(platform::CurrentProcessId());
          state.peer_before = FiguresOf(state.peer);
          {
            PeerSession session(context);
            if (session.peer_pid() != state.peer) {
              return Failed(absl::StrCat(
                  "the peer answering is process ", session.peer_pid(),
                  ", not the reader process ", state.peer));
            }
            state.probe_buffer = session.probe_buffer();
            state.ack_buffer = session.ack_buffer();
            const Clock::time_point start = Clock::now();
            const Clock::time_point end =
                start + absl::ToChronoNanoseconds(state.planned);
            while (Clock::now() < end) {
              const size_t size = StreamFrameSize(state.frames_sent + 1);
              session.Send(size);
              ++state.frames_sent;
              state.bytes_sent += size;
              while (std::optional<ProbeAck> ack =
                         session.NextAck(milliseconds(0))) {
                Account(state, *ack, start);
              }
            }
            const OIEB oieb = session.probes().oieb_snapshot();
            state.wrap_markers = oieb.payload_written_count - state.frames_sent;
            state.ring_size = oieb.payload_size;
            for (const ProbeAck& ack : session.Finish()) {
              Account(state, ack, start);
            }
          }
          state.own_after = FiguresOf(platform::CurrentProcessId());
          state.peer_after = FiguresOf(state.peer);
          state.ran = true;
          context.log().Info(absl::StrFormat(
              "Streamed %d frames (%d bytes, 16 B to 128 KiB) to process %d "
              "for %s: %d acknowledged, %d wrap markers in a %d-byte ring",
              state.frames_sent, state.bytes_sent, state.peer,
              absl::FormatDuration(state.planned), state.acks,
              state.wrap_markers, state.ring_size));
          return absl::OkStatus();
        });

const StreamState& StreamOrFail(StepContext& context) {
  const StreamState& state = context.State<StreamState>();
  if (!state.ran) throw StepFailure("no continuous run has happened");
  return state;
}

ZB_STEP(
    kThen, "verify no resource leaks",
    [](StepContext& context) -> absl::Status {
      const StreamState& state = StreamOrFail(context);
      std::vector<std::string> leaks;
      for (const auto& [who, before, after] :
           {std::tuple{"this process", &state.own_before, &state.own_after},
            std::tuple{"the peer process", &state.peer_before,
                       &state.peer_after}}) {
        if (after->handles > before->handles) {
          leaks.push_back(absl::StrCat(who, " holds ", after->handles,
                                       " handles, ", before->handles,
                                       " before"));
        }
        if (after->resident_bytes >
            before->resident_bytes + kResidentGrowthAllowed) {
          leaks.push_back(absl::StrCat(
              who, " holds ", after->resident_bytes, " bytes of memory, ",
              before->resident_bytes, " before (at most ",
              kResidentGrowthAllowed, " more allowed)"));
        }
        context.log().Info(
            absl::StrCat(who, ": ", before->handles, " -> ", after->handles,
                         " handles, ", before->resident_bytes >> 10, " -> ",
                         after->resident_bytes >> 10, " KiB resident"));
      }
      for (const std::string& buffer : {state.probe_buffer, state.ack_buffer}) {
        if (absl::Status none = ExpectNothingNaming(buffer, "After the run");
            !none.ok()) {
          leaks.push_back(std::string(none.message()));
        }
      }
      if (!leaks.empty()) return Failed(absl::StrJoin(leaks, "; "));
      return absl::OkStatus();
    });

ZB_STEP(kThen, "verify sequence numbers handle overflow",
        [](StepContext& context) -> absl::Status {
          const StreamState& state = StreamOrFail(context);
          if (state.acks != state.frames_sent ||
              state.last_acked != state.frames_sent) {
            return Failed(absl::StrCat(
                state.frames_sent, " frames were sent, ", state.acks,
                " acknowledged, the last as ", state.last_acked));
          }
          // Positions wrap with the ring; the u64 sequence numbers cannot
          // wrap in any run (2^64 frames), so what is checked is that they
          // stayed contiguous across every wrap of the ring.
          if (state.wrap_markers == 0) {
            return Failed(absl::StrCat("the ring never wrapped in ",
                                       state.bytes_sent,
                                       " bytes: the run proves nothing"));
          }
          context.log().Info(absl::StrCat(
              "Sequence numbers 1..", state.frames_sent,
              " arrived contiguous across ", state.wrap_markers,
              " wraps of the ring; ",
              std::numeric_limits<uint64_t>::max() - state.frames_sent,
              " numbers remain before a u64 would wrap"));
          return absl::OkStatus();
        });

ZB_STEP(kThen, "monitor system resource usage",
        [](StepContext& context) -> absl::Status {
          const StreamState& state = StreamOrFail(context);
          const unsigned cores =
              std::max(1u, std::thread::hardware_concurrency());
          std::vector<std::string> report;
          for (const auto& [who, before, after] :
               {std::tuple{"this process", &state.own_before, &state.own_after},
                std::tuple{"the peer process", &state.peer_before,
                           &state.peer_after}}) {
            const Usage usage = UsageBetween(before->usage, after->usage);
            // Slack for the moment between reading the wall clock and the
            // CPU time at either end.
            if (usage.cpu < absl::ZeroDuration() ||
                usage.share() > cores + 0.05) {
              return Failed(absl::StrCat("implausible CPU reading for ", who,
                                         ": ", usage.Describe()));
            }
            if (usage.cpu == absl::ZeroDuration()) {
              return Failed(absl::StrCat(who, " used no CPU while streaming"));
            }
            report.push_back(absl::StrCat(who, ": ", usage.Describe(), ", ",
                                          before->handles, " -> ",
                                          after->handles, " handles"));
          }
          context.log().Info(absl::StrJoin(report, "; "));
          return absl::OkStatus();
        });

ZB_STEP(kThen, "ensure stable operation throughout",
        [](StepContext& context) -> absl::Status {
          const StreamState& state = StreamOrFail(context);
          if (!state.problems.empty()) {
            return Failed(absl::StrJoin(state.problems, "; "));
          }
          if (!platform::IsProcessAlive(state.peer)) {
            return Failed(
                absl::StrCat("the peer process ", state.peer, " is gone"));
          }
          // The last second is partial; every whole one must have moved data.
          const std::vector<uint64_t>& seconds = state.acks_per_second;
          if (seconds.size() > 1) {
            const auto slowest =
                std::min_element(seconds.begin(), seconds.end() - 1);
            if (*slowest == 0) {
              return Failed(absl::StrCat("no frame was acknowledged in second ",
                                         slowest - seconds.begin() + 1,
                                         " of the run"));
            }
          }
          context.log().Info(absl::StrCat("Frames acknowledged per second: ",
                                          absl::StrJoin(seconds, ", ")));
          return absl::OkStatus();
        });

// 11.5: churn under a writer that keeps connecting (never run by Harmony)

constexpr char kChurnBuffer[] = "rapid-create-destroy";
// Small, so that a cycle costs the objects, not the memory.
const BufferConfig kChurnConfig(0, 64 << 10);
constexpr char kConnectorTask[] = "connecting writer";
constexpr milliseconds kWriterWindow{20};

// What the connecting writer met, by outcome.
struct ConnectionTally {
  std::mutex mutex;
  uint64_t attempts = 0;
  uint64_t frames_written = 0;
  std::map<std::string, uint64_t> refusals;  // by ErrorCodeName
  std::vector<std::string> unexpected;
};

struct ChurnState {
  std::string buffer;
  int64_t handles_before = 0;
  std::shared_ptr<ConnectionTally> tally;
  uint64_t cycles_done = 0;
};

// What a writer racing a buffer's creation and removal may be told.
bool ExpectedRefusal(ErrorCode code) {
  return code == ErrorCode::kBufferNotFound || code == ErrorCode::kReaderDead ||
         code == ErrorCode::kBufferFull;
}

ZB_STEP(kGiven, "the test spawns writer attempting connections continuously",
        [](StepContext& context) -> absl::Status {
          ChurnState& state = context.State<ChurnState>();
          state.buffer = context.PhysicalName(kChurnBuffer);
          state.handles_before = OpenHandles(platform::CurrentProcessId());
          state.tally = std::make_shared<ConnectionTally>();
          context.tasks().Start(
              kConnectorTask,
              [name = state.buffer,
               tally = state.tally](std::stop_token stop) -> absl::Status {
                const std::string text = "churn";
                while (!stop.stop_requested()) {
                  bool wrote = false;
                  std::optional<std::string> refusal;
                  std::optional<std::string> unexpected;
                  try {
                    Writer writer(name, WriterOptions{milliseconds(10)});
                    writer.write_frame(text.data(), text.size());
                    wrote = true;
                  } catch (const ZeroBufferException& error) {
                    if (ExpectedRefusal(error.code())) {
                      refusal = ErrorCodeName(error.code());
                    } else {
                      unexpected = absl::StrCat(ErrorCodeName(error.code()),
                                                ": ", error.what());
                    }
                  } catch (const std::exception& error) {
                    unexpected =
                        absl::StrCat("not a library error: ", error.what());
                  }
                  std::lock_guard lock(tally->mutex);
                  ++tally->attempts;
                  if (wrote) ++tally->frames_written;
                  if (refusal) ++tally->refusals[*refusal];
                  if (unexpected && tally->unexpected.size() < 10) {
                    tally->unexpected.push_back(*unexpected);
                  }
                }
                return absl::OkStatus();
              });
          context.log().Info(absl::StrCat("A writer keeps connecting to '",
                                          state.buffer, "'"));
          return absl::OkStatus();
        });

ZB_STEP(kWhen, "the test creates and destroys buffer '(\\d+)' times",
        [](StepContext& context, uint64_t times) -> absl::Status {
          if (times == 0) return Failed("zero cycles asked for");
          ChurnState& state = context.State<ChurnState>();
          if (state.buffer.empty())
            state.buffer = context.PhysicalName(kChurnBuffer);
          const uint64_t cycles = ScaledCount(context, times, kCycleFraction, 1,
                                              "create/destroy cycles");
          const auto deadline = LoopDeadline(context);
          for (state.cycles_done = 0; state.cycles_done < cycles;
               ++state.cycles_done) {
            if (Clock::now() > deadline) {
              return Failed(absl::StrCat("only ", state.cycles_done, " of ",
                                         cycles,
                                         " cycles fit in the step time limit"));
            }
            const std::string when =
                absl::StrCat("In cycle ", state.cycles_done + 1);
            {
              Reader reader(state.buffer, kChurnConfig);
              if (absl::Status made = ExpectAllObjects(state.buffer, when);
                  !made.ok()) {
                return made;
              }
              // Give the writer a chance to be connected when the buffer
              // goes away under it.
              reader.is_writer_connected(kWriterWindow);
            }
            if (absl::Status gone = ExpectNoObjects(state.buffer, when);
                !gone.ok()) {
              return gone;
            }
          }
          context.log().Info(absl::StrCat("Created and destroyed '",
                                          state.buffer, "' ", state.cycles_done,
                                          " times"));
          return absl::OkStatus();
        });

// Stops the connecting writer, so that what it holds is let go before
// anything is counted.
const ChurnState& ChurnOrFail(StepContext& context) {
  ChurnState& state = context.State<ChurnState>();
  if (state.cycles_done == 0) throw StepFailure("no cycle has run");
  if (BackgroundTask* connector = context.tasks().Find(kConnectorTask)) {
    connector->RequestStop();
    constexpr absl::Duration kStopTimeout = absl::Seconds(10);
    if (!connector->WaitFor(kStopTimeout).has_value()) {
      uint64_t attempts = 0;
      if (state.tally != nullptr) {
        std::lock_guard lock(state.tally->mutex);
        attempts = state.tally->attempts;
      }
      throw StepFailure(
          absl::StrCat("the connecting writer does not stop within ",
                       absl::FormatDuration(kStopTimeout), " after ", attempts,
                       " connection attempts"));
    }
  }
  return state;
}

ZB_STEP(kThen, "the test should verify no resource leaks",
        [](StepContext& context) -> absl::Status {
          const ChurnState& state = ChurnOrFail(context);
          return ExpectCyclesLeftNothing(state.buffer, state.cycles_done,
                                         state.handles_before);
        });

ZB_STEP(kThen, "the test should verify lock files cleaned up",
        [](StepContext& context) -> absl::Status {
          const ChurnState& state = ChurnOrFail(context);
          return ExpectNoLockFiles(state.buffer, state.cycles_done);
        });

ZB_STEP(kThen, "the system should handle writer connection attempts gracefully",
        [](StepContext& context) -> absl::Status {
          const ChurnState& state = ChurnOrFail(context);
          if (state.tally == nullptr) return Failed("no writer was connecting");
          std::lock_guard lock(state.tally->mutex);
          if (state.tally->frames_written == 0) {
            return Failed(absl::StrCat(
                "none of ", state.tally->attempts,
                " connection attempts got a frame through: the churn was "
                "never met by a connected writer"));
          }
          if (!state.tally->unexpected.empty()) {
            return Failed(
                absl::StrCat("connection attempts failed unexpectedly: ",
                             absl::StrJoin(state.tally->unexpected, "; ")));
          }
          context.log().Info(absl::StrCat(
              state.tally->attempts, " connection attempts, ",
              state.tally->frames_written, " frames written, refusals: ",
              absl::StrJoin(state.tally->refusals, ", ",
                            absl::PairFormatter("="))));
          return absl::OkStatus();
        });

}  // namespace
}  // namespace zerobuffer::steps

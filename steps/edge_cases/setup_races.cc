// Steps of the feature-04 scenarios Harmony never runs (no step names a
// process it recognises): two readers racing to create one buffer (4.11)
// and a writer arriving before any reader (4.12). They work in one serve
// process: the two "reader processes" race as two threads, which the
// library treats like two processes (the lock file is held per open file,
// and every Reader checks ownership the same way). "no resource corruption
// should occur" (4.11) belongs to steps/lifecycle: it checks every live
// buffer of the scenario, here the winner's.

#include <latch>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "platform/file_lock.h"
#include "platform/process.h"
#include "platform/shared_memory.h"
#include "steps/context.h"
#include "steps/registry.h"
#include "steps/step_failure.h"
#include "steps/support/captured_error.h"
#include "zerobuffer/layout.h"
#include "zerobuffer/names.h"
#include "zerobuffer/zerobuffer.h"

namespace zerobuffer::steps {
namespace {

// The racing readers create a small buffer; its size is not the point.
const BufferConfig kRaceConfig(1024, 10240);

struct RaceOutcome {
  std::unique_ptr<Reader> reader;  // set for the winner, kept alive
  std::optional<ErrorCode> code;
  std::string error;
};

struct RaceState {
  int contenders = 0;
  std::vector<RaceOutcome> outcomes;
};

struct MissingBufferState {
  std::string physical_name;
};

std::string Summarize(const std::vector<RaceOutcome>& outcomes) {
  std::vector<std::string> parts;
  for (const RaceOutcome& outcome : outcomes) {
    parts.push_back(outcome.reader ? "created" : "failed: " + outcome.error);
  }
  return absl::StrJoin(parts, "; ");
}

bool SegmentExists(const std::string& physical_name) {
  return platform::SharedMemory::Open(physical_name).ok();
}

ZB_STEP(kGiven, "two '([^']*)' processes",
        [](StepContext& context, const std::string& role) -> absl::Status {
          if (role != "reader") {
            return Failed(
                absl::StrCat("only readers create buffers, not '", role, "'"));
          }
          RaceState& state = context.State<RaceState>();
          state = RaceState();
          state.contenders = 2;
          return absl::OkStatus();
        });

ZB_STEP(kWhen, "both simultaneously attempt to create buffer '([^']*)'",
        [](StepContext& context, const std::string& buffer) -> absl::Status {
          RaceState& state = context.State<RaceState>();
          if (state.contenders < 2) return Failed("no contenders were set up");
          const std::string name = context.PhysicalName(buffer);
          state.outcomes.clear();
          state.outcomes.resize(state.contenders);
          std::latch start(state.contenders);
          {
            std::vector<std::jthread> contenders;
            for (RaceOutcome& outcome : state.outcomes) {
              contenders.emplace_back([&outcome, &start, &name] {
                start.arrive_and_wait();
                try {
                  outcome.reader = std::make_unique<Reader>(name, kRaceConfig);
                } catch (const ZeroBufferException& error) {
                  outcome.code = error.code();
                  outcome.error = error.what();
                }
              });
            }
          }  // joins
          context.log().Info(Summarize(state.outcomes));
          return absl::OkStatus();
        });

const RaceState& RaceOrFail(StepContext& context) {
  const RaceState& state = context.State<RaceState>();
  if (state.outcomes.empty()) throw StepFailure("no race has been run");
  return state;
}

// The winner owns what it created: the OIEB names this process as its
// reader with the race's sizes, and its lock file is held.
absl::Status ExpectOwnedByWinner(const Reader& winner) {
  const OIEB oieb = winner.oieb_snapshot();
  const SegmentLayout expected{AlignToBlock(kRaceConfig.metadata_size),
                               AlignToBlock(kRaceConfig.payload_size)};
  std::vector<std::string> problems;
  if (oieb.reader_pid != platform::CurrentProcessId()) {
    problems.push_back(absl::StrCat("the OIEB names reader PID ",
                                    oieb.reader_pid, ", not this process ",
                                    platform::CurrentProcessId()));
  }
  if (oieb.metadata_size != expected.metadata_size ||
      oieb.payload_size != expected.payload_size) {
    problems.push_back(absl::StrCat(
        "the OIEB has a ", oieb.metadata_size, "-byte metadata block and a ",
        oieb.payload_size, "-byte ring, not ", expected.metadata_size, " and ",
        expected.payload_size));
  }
  const std::string lock = LockFilePaths(winner.name()).front();
  const absl::StatusOr<bool> held = platform::FileLock::IsHeld(lock);
  if (!held.ok() || !*held) {
    problems.push_back(absl::StrCat("lock file ", lock, " is not held"));
  }
  if (problems.empty()) return absl::OkStatus();
  return Failed(
      absl::StrCat("the winning reader of ", winner.name(),
                   " does not own it: ", absl::StrJoin(problems, "; ")));
}

ZB_STEP(kThen, "only one should succeed",
        [](StepContext& context) -> absl::Status {
          const RaceState& state = RaceOrFail(context);
          const Reader* winner = nullptr;
          int created = 0;
          for (const RaceOutcome& outcome : state.outcomes) {
            if (!outcome.reader) continue;
            ++created;
            winner = outcome.reader.get();
          }
          if (created != 1) {
            return Failed(absl::StrCat(
                created, " of ", state.outcomes.size(),
                " readers created the buffer: ", Summarize(state.outcomes)));
          }
          return ExpectOwnedByWinner(*winner);
        });

ZB_STEP(kThen, "other should receive appropriate error",
        [](StepContext& context) -> absl::Status {
          const RaceState& state = RaceOrFail(context);
          size_t refused = 0;
          for (const RaceOutcome& outcome : state.outcomes) {
            if (outcome.reader) continue;
            if (outcome.code != ErrorCode::kReaderAlreadyConnected) {
              return Failed(absl::StrCat(
                  "the losing reader should learn that another reader owns "
                  "the buffer (",
                  ErrorCodeName(ErrorCode::kReaderAlreadyConnected), "), got ",
                  outcome.code.has_value() ? ErrorCodeName(*outcome.code)
                                           : "no library error",
                  ": ", outcome.error));
            }
            ++refused;
          }
          if (refused + 1 != state.outcomes.size()) {
            return Failed(
                absl::StrCat(refused, " of ", state.outcomes.size(),
                             " readers were refused, expected all but one: ",
                             Summarize(state.outcomes)));
          }
          return absl::OkStatus();
        });

ZB_STEP(kGiven, "the system is ready",
        [](StepContext& context) -> absl::Status {
          context.State<CapturedError>() = CapturedError();
          return absl::OkStatus();
        });

ZB_STEP(kWhen,
        "a '([^']*)' process attempts to connect to non-existent buffer "
        "'([^']*)'",
        [](StepContext& context, const std::string&,
           const std::string& buffer) -> absl::Status {
          const std::string name = context.PhysicalName(buffer);
          if (SegmentExists(name)) {
            return Failed(absl::StrCat("buffer ", name, " exists"));
          }
          context.State<MissingBufferState>().physical_name = name;
          Attempt(context, [&name] { Writer writer(name); });
          return absl::OkStatus();
        });

ZB_STEP(kThen, "the connection should fail with appropriate error",
        [](StepContext& context) -> absl::Status {
          return ExpectCapturedError(context, ErrorCode::kBufferNotFound,
                                     "a buffer not found error");
        });

ZB_STEP(kThen, "error should indicate no shared memory found",
        [](StepContext& context) -> absl::Status {
          const CapturedError& captured = context.State<CapturedError>();
          const std::string& name =
              context.State<MissingBufferState>().physical_name;
          if (!captured.message.has_value() ||
              !absl::StrContains(absl::AsciiStrToLower(*captured.message),
                                 "not found")) {
            return Failed(absl::StrCat(
                "the error should say the buffer was not found; it says: ",
                captured.message.value_or("(no error)")));
          }
          // The failed connect left nothing behind either.
          if (name.empty() || SegmentExists(name)) {
            return Failed(absl::StrCat("shared memory '", name,
                                       "' exists after the failed connect"));
          }
          return absl::OkStatus();
        });

}  // namespace
}  // namespace zerobuffer::steps

// Steps of feature 10 (advanced error handling): a creation that fails
// half-way, damaged frame headers, a peer dying in the middle of a write or
// a read, exhausted system resources, and a buffer other users may not
// open. Failures are provoked for real: an object in the way of a
// semaphore, bytes overwritten in shared memory, another OS user.

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "platform/paths.h"
#include "platform/privileges.h"
#include "platform/shared_memory.h"
#include "steps/context.h"
#include "steps/lifecycle/buffer_resources.h"
#include "steps/lifecycle/frame_corruption.h"
#include "steps/lifecycle/permission_probe.h"
#include "steps/registry.h"
#include "steps/step_failure.h"
#include "steps/support/buffer_objects.h"
#include "steps/support/captured_error.h"
#include "steps/support/data_patterns.h"
#include "steps/support/endpoints.h"
#include "steps/support/segment_access.h"
#include "steps/support/step_tables.h"
#include "steps/support/stream_state.h"
#include "zerobuffer/names.h"
#include "zerobuffer/zerobuffer.h"

namespace zerobuffer::steps {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

// Buffers these scenarios create without naming a size.
const BufferConfig kSmallConfig(1024, 10240);
constexpr size_t kValidFrameSize = 1024;
// 10.4: the background read waits in slices (so it can be stopped) for at
// most this long in all.
constexpr milliseconds kBlockedReadSlice{250};
constexpr auto kBlockedReadLimit = std::chrono::seconds(25);
constexpr char kBlockedReadTask[] = "blocked read";
// 10.6: how long the other user's connection attempt may take.
constexpr absl::Duration kConnectAsTimeout = absl::Seconds(10);

// 10.1: the buffer whose creation is made to fail, and what of it existed
// right after the failure (before the obstacle was removed).
struct PartialCreation {
  std::string name;
  bool attempted = false;
  std::vector<std::string> left_after_failure;
};

// 10.2: the valid frame the corruptions are modelled on.
struct ValidFrame {
  std::string buffer;
  uint64_t offset = 0;
  size_t size = 0;
  uint64_t sequence = 0;
};

// 10.4: how the background read ended. Written by the task, read only once
// the task has finished.
struct BlockedReadOutcome {
  std::optional<ErrorCode> error;
  std::string message;
  std::optional<uint64_t> frame_sequence;
  milliseconds waited{0};
};
struct BlockedRead {
  std::shared_ptr<BlockedReadOutcome> outcome;
};

// 10.5: the buffer an "attempt to create" step tried.
struct CreationAttempt {
  std::string name;
};

// 10.6: the accounts the sentences give each role, and the attempt made.
struct ActingUsers {
  std::map<std::string, std::string> account_by_role;
};
struct PermissionAttempt {
  std::string buffer;
  ActingUser user;
  // Why the other user's attempt could not be made (this process may not
  // switch users); the owner-only checks ran instead.
  std::optional<std::string> not_switched;
};

const PartialCreation& AttemptedPartialCreation(StepContext& context) {
  const PartialCreation& creation = context.State<PartialCreation>();
  if (!creation.attempted) {
    throw StepFailure("no creation was made to fail in this process");
  }
  return creation;
}

// --- 10.1 Partial initialization failure ----------------------------------

ZB_STEP(kGiven, "the test creates shared memory successfully for '([^']*)'",
        [](StepContext& context, const std::string& buffer) -> absl::Status {
          const std::string name = context.PhysicalName(buffer);
          const std::vector<std::string> existing = ExistingObjects(name);
          if (!existing.empty()) {
            return Failed(absl::StrCat("buffer ", name, " already has ",
                                       ListedOrNone(existing)));
          }
          // The first stage of a creation, on its own: it works for this
          // name, so a later failure lies in a later stage.
          const uint64_t size = kOiebSize +
                                AlignToBlock(kSmallConfig.metadata_size) +
                                AlignToBlock(kSmallConfig.payload_size);
          {
            absl::StatusOr<platform::SharedMemory> segment =
                platform::SharedMemory::CreateExclusive(name, size);
            if (!segment.ok()) {
              return Failed(
                  absl::StrCat("creating the ", size, "-byte segment ", name,
                               " failed: ", segment.status().message()));
            }
          }
          // Windows removes the segment with its last handle, above, and
          // has no name to unlink (kUnimplemented).
          const absl::Status removed = platform::SharedMemory::Unlink(name);
          if (!removed.ok() && !absl::IsUnimplemented(removed)) {
            return Failed(absl::StrCat("removing the test segment failed: ",
                                       removed.message()));
          }
          context.State<PartialCreation>() = {name, false, {}};
          context.log().Info(
              absl::StrCat("A ", size, "-byte segment can be created as ", name,
                           "; removed again for the reader to create"));
          return absl::OkStatus();
        });

ZB_STEP(kWhen, "simulate failure creating sem-w semaphore",
        [](StepContext& context) -> absl::Status {
          PartialCreation& creation = context.State<PartialCreation>();
          if (creation.name.empty()) {
            return Failed(
                "no buffer was named: 'the test creates shared memory "
                "successfully for ...' comes first");
          }
          const std::string semaphore =
              BufferObjectNames::For(creation.name).write_semaphore;
          return WithWriteSemaphoreBlocked(creation.name, [&] {
            Attempt(context, [&creation] {
              Reader reader(creation.name, kSmallConfig);
            });
            creation.attempted = true;
            // Taken before the obstacle in sem-w's place goes again.
            creation.left_after_failure.clear();
            for (const BufferObject& object : ObjectsOf(creation.name)) {
              if (object.name != semaphore && Exists(object)) {
                creation.left_after_failure.push_back(object.Describe());
              }
            }
          });
        });

ZB_STEP(kThen, "the '([^']*)' process should clean up shared memory",
        [](StepContext& context, const std::string&) -> absl::Status {
          const PartialCreation& creation = AttemptedPartialCreation(context);
          if (!context.State<CapturedError>().failed()) {
            return Failed(absl::StrCat("creating ", creation.name,
                                       " succeeded: there was no failure to "
                                       "clean up after"));
          }
          const BufferObject segment = ObjectsOf(creation.name).front();
          for (const std::string& left : creation.left_after_failure) {
            if (left == segment.Describe()) {
              return Failed(absl::StrCat(
                  left, " was left behind by the failed creation"));
            }
          }
          if (Exists(segment)) {
            return Failed(absl::StrCat(segment.Describe(), " exists"));
          }
          context.log().Info(absl::StrCat("No ", segment.Describe(),
                                          " after the failed creation"));
          return absl::OkStatus();
        });

ZB_STEP(kThen, "the '([^']*)' process should throw appropriate exception",
        [](StepContext& context, const std::string&) -> absl::Status {
          const PartialCreation& creation = AttemptedPartialCreation(context);
          const CapturedError& captured = context.State<CapturedError>();
          if (!captured.failed()) {
            return Failed(
                absl::StrCat("creating ", creation.name, " threw nothing"));
          }
          if (!captured.code.has_value()) {
            return Failed(absl::StrCat(
                "the creation failed outside the library's exceptions: ",
                *captured.message));
          }
          // The library makes the segment before sem-w, so an error about
          // sem-w also says the segment stage had passed.
          const std::string semaphore =
              BufferObjectNames::For(creation.name).write_semaphore;
          if (!absl::StrContains(*captured.message, semaphore)) {
            return Failed(absl::StrCat("the error does not name ", semaphore,
                                       ": ", ErrorCodeName(*captured.code),
                                       ": ", *captured.message));
          }
          context.log().Info(
              absl::StrCat("Thrown: ", ErrorCodeName(*captured.code), ": ",
                           *captured.message));
          return absl::OkStatus();
        });

ZB_STEP(kThen, "the test should verify no resources leaked",
        [](StepContext& context) -> absl::Status {
          const PartialCreation& creation = AttemptedPartialCreation(context);
          if (!creation.left_after_failure.empty()) {
            return Failed(
                absl::StrCat("right after the failed creation these remained: ",
                             ListedOrNone(creation.left_after_failure)));
          }
          const std::vector<std::string> left = ExistingObjects(creation.name);
          if (!left.empty()) {
            return Failed(absl::StrCat("left behind: ", ListedOrNone(left)));
          }
          return absl::OkStatus();
        });

// --- 10.2 Invalid frame header variations ---------------------------------

ZB_STEP(kWhen, "the '([^']*)' process writes valid frame",
        [](StepContext& context, const std::string&) -> absl::Status {
          Writer& writer = context.State<Endpoints>().writer();
          const uint64_t sequence = writer.frames_written() + 1;
          writer.write_frame(MakePattern(kValidFrameSize, sequence));
          const OIEB oieb = writer.oieb_snapshot();
          // The frame ends where the write position now is.
          const uint64_t end = oieb.payload_write_pos == 0
                                   ? oieb.payload_size
                                   : oieb.payload_write_pos;
          context.State<ValidFrame>() = {
              writer.name(), end - kFrameHeaderSize - kValidFrameSize,
              kValidFrameSize, sequence};
          return absl::OkStatus();
        });

ZB_STEP(kThen, "test multiple corruption scenarios:",
        [](StepContext& context) -> absl::Status {
          const ValidFrame& valid = context.State<ValidFrame>();
          if (valid.size == 0)
            return Failed("no valid frame was written first");
          // The unread frame of the scenario's buffer shows the header the
          // corruptions start from.
          const FrameHeader header =
              SegmentAccess(valid.buffer).HeaderAt(valid.offset);
          if (header.payload_size != valid.size ||
              header.sequence_number != valid.sequence) {
            return Failed(absl::StrCat(
                "the valid frame at ring offset ", valid.offset, " of ",
                valid.buffer, " has header {size ", header.payload_size,
                ", sequence ", header.sequence_number, "}, expected {size ",
                valid.size, ", sequence ", valid.sequence, "}"));
          }
          const auto rows =
              TableRows(TableOrWritten(context, DefaultCorruptionTable()),
                        {"corruption_type", "expected_result"});
          std::vector<std::string> failures;
          for (size_t row = 0; row < rows.size(); ++row) {
            const CorruptionCase corruption{rows[row].at("corruption_type"),
                                            rows[row].at("expected_result")};
            const absl::Status result = RunCorruptionCase(
                corruption,
                context.PhysicalName(absl::StrCat("corruption-case-", row + 1)),
                valid.size);
            const std::string label =
                absl::StrCat("'", corruption.corruption_type, "' -> '",
                             corruption.expected_result, "'");
            if (result.ok()) {
              context.log().Info(absl::StrCat("Passed: ", label));
            } else {
              failures.push_back(absl::StrCat(label, ": ", result.message()));
            }
          }
          if (!failures.empty()) return Failed(absl::StrJoin(failures, "; "));
          return absl::OkStatus();
        });

// --- 10.3 Reader death during an active write ------------------------------

ZB_STEP(kWhen,
        "the '([^']*)' process starts writing large frame '(\\d+)' bytes",
        [](StepContext& context, const std::string&,
           uint64_t size) -> absl::Status {
          uint64_t sequence = 0;
          const std::span<std::byte> frame =
              context.State<Endpoints>().writer().get_frame_buffer(size,
                                                                   sequence);
          FillPattern(frame, sequence);
          WriteState& state = context.State<WriteState>();
          state.zero_copy_size = size;
          state.zero_copy_reserved = true;
          context.log().Info(absl::StrCat("Frame ", sequence, " of ", size,
                                          " bytes filled, not committed"));
          return absl::OkStatus();
        });

ZB_STEP(kWhen, "the '([^']*)' process detects reader death on next operation",
        [](StepContext& context, const std::string&) -> absl::Status {
          Writer& writer = context.State<Endpoints>().writer();
          WriteState& state = context.State<WriteState>();
          const size_t size =
              state.zero_copy_size > 0 ? state.zero_copy_size : kValidFrameSize;
          Attempt(context, [&] {
            // Committing publishes into the ring without asking for the
            // reader (as in every upstream library); the write after it is
            // what meets the reader's absence.
            if (state.zero_copy_reserved) {
              state.zero_copy_reserved = false;
              writer.commit_frame();
              context.log().Info("The pending frame was committed");
            }
            writer.write_frame(MakePattern(size, writer.frames_written() + 1));
          });
          return absl::OkStatus();
        });

ZB_STEP(kThen, "the '([^']*)' process should throw reader dead exception",
        [](StepContext& context, const std::string&) -> absl::Status {
          const absl::Status dead = ExpectCapturedError(
              context, ErrorCode::kReaderDead, "reader dead exception");
          if (!dead.ok()) return dead;
          Endpoints& endpoints = context.State<Endpoints>();
          if (endpoints.has_writer() &&
              endpoints.writer().is_reader_connected()) {
            return Failed(absl::StrCat(
                "ReaderDead was thrown, yet reader PID ",
                endpoints.writer().oieb_snapshot().reader_pid, " is alive"));
          }
          return absl::OkStatus();
        });

// --- 10.4 Writer death during a read ----------------------------------------

ZB_STEP(kWhen, "the '([^']*)' process waits on semaphore for data",
        [](StepContext& context, const std::string&) -> absl::Status {
          Reader* reader = &context.State<Endpoints>().reader();
          auto outcome = std::make_shared<BlockedReadOutcome>();
          context.State<BlockedRead>().outcome = outcome;
          // Harmony kills the writer while this read waits, so it waits in
          // the background.
          context.tasks().Start(
              kBlockedReadTask,
              [reader, outcome](std::stop_token stop) -> absl::Status {
                const Clock::time_point start = Clock::now();
                auto waited = [&] {
                  return std::chrono::duration_cast<milliseconds>(Clock::now() -
                                                                  start);
                };
                while (!stop.stop_requested() &&
                       Clock::now() - start < kBlockedReadLimit) {
                  try {
                    const Frame frame = reader->read_frame(kBlockedReadSlice);
                    if (frame.valid()) {
                      outcome->frame_sequence = frame.sequence();
                      outcome->waited = waited();
                      return absl::OkStatus();
                    }
                  } catch (const ZeroBufferException& error) {
                    outcome->error = error.code();
                    outcome->message = error.what();
                    outcome->waited = waited();
                    return absl::OkStatus();
                  }
                }
                outcome->waited = waited();
                return absl::DeadlineExceededError(
                    absl::StrCat("nothing happened within ",
                                 outcome->waited.count(), " ms"));
              });
          return absl::OkStatus();
        });

ZB_STEP(kThen,
        "the '([^']*)' process should detect writer death after timeout "
        "'(\\d+)' seconds",
        [](StepContext& context, const std::string&,
           uint64_t seconds) -> absl::Status {
          const absl::Duration bound = absl::Seconds(seconds);
          if (seconds == 0 || bound > context.step_time_limit() * 0.8) {
            return absl::InvalidArgumentError(absl::StrCat(
                "cannot wait ", seconds, " s inside the step limit of ",
                absl::FormatDuration(context.step_time_limit())));
          }
          BackgroundTask* task = context.tasks().Find(kBlockedReadTask);
          const std::shared_ptr<BlockedReadOutcome> outcome =
              context.State<BlockedRead>().outcome;
          if (task == nullptr || outcome == nullptr) {
            return Failed("no read is waiting for data in this process");
          }
          const std::optional<absl::Status> ended = task->WaitFor(bound);
          if (!ended.has_value()) {
            return Failed(absl::StrCat("the blocked read is still waiting ",
                                       seconds,
                                       " s into this step: the "
                                       "writer's death went unnoticed"));
          }
          if (outcome->frame_sequence.has_value()) {
            return Failed(absl::StrCat("frame ", *outcome->frame_sequence,
                                       " arrived instead of the writer's "
                                       "death"));
          }
          if (!outcome->error.has_value()) {
            return Failed(absl::StrCat("the read ended without an error: ",
                                       ended->message()));
          }
          CapturedError& captured = context.State<CapturedError>();
          captured = {true, outcome->error, outcome->message};
          Reader& reader = context.State<Endpoints>().reader();
          if (reader.is_writer_connected()) {
            return Failed(absl::StrCat(
                "the read ended with ", ErrorCodeName(*outcome->error),
                " while writer PID ", reader.oieb_snapshot().writer_pid,
                " is alive"));
          }
          context.log().Info(absl::StrCat(
              "The read ended after ", outcome->waited.count(), " ms with ",
              ErrorCodeName(*outcome->error), ": ", outcome->message));
          return absl::OkStatus();
        });

ZB_STEP(kThen, "the '([^']*)' process should throw writer dead exception",
        [](StepContext& context, const std::string&) -> absl::Status {
          return ExpectCapturedError(context, ErrorCode::kWriterDead,
                                     "writer dead exception");
        });

// --- 10.5 System resource exhaustion
// ------------------------------------------

ZB_STEP(kGiven, "create maximum allowed semaphores",
        [](StepContext&) -> absl::Status {
          return Failed(
              "not applicable on Linux: POSIX named semaphores have no count "
              "limit here (SEM_NSEMS_MAX is unbounded); each is a file in "
              "/dev/shm, so the only maximum is the capacity of /dev/shm, "
              "which every process on the machine shares and which this "
              "step will not exhaust");
        });

ZB_STEP(kWhen, "attempt to create buffer '([^']*)'",
        [](StepContext& context, const std::string& buffer) -> absl::Status {
          const std::string name = context.PhysicalName(buffer);
          context.State<CreationAttempt>().name = name;
          Attempt(context, [&] {
            context.State<Endpoints>().CreateReader(name, BufferConfig());
          });
          return absl::OkStatus();
        });

// Shared with 7.2. The library reports what the OS refuses during creation
// as a plain ZeroBufferException whose message starts "Failed to ...".
ZB_STEP(kThen, "the creation should fail with system error",
        [](StepContext& context) -> absl::Status {
          const CapturedError& captured = context.State<CapturedError>();
          if (!captured.failed()) {
            return Failed(captured.attempted ? "the creation succeeded"
                                             : "no creation was attempted");
          }
          if (captured.code != ErrorCode::kGeneric ||
              !absl::StartsWith(*captured.message, "Failed to ")) {
            return Failed(absl::StrCat(
                "the creation failed, but not with a system error: ",
                captured.code.has_value() ? ErrorCodeName(*captured.code)
                                          : "not a library error",
                ": ", *captured.message));
          }
          return absl::OkStatus();
        });

ZB_STEP(kThen, "appropriate error handling should occur",
        [](StepContext& context) -> absl::Status {
          const std::string& name = context.State<CreationAttempt>().name;
          const CapturedError& captured = context.State<CapturedError>();
          if (name.empty() || !captured.failed()) {
            return Failed("no failed creation to judge");
          }
          if (!captured.code.has_value() ||
              !absl::StrContains(*captured.message, name)) {
            return Failed(absl::StrCat("the error does not say which buffer ",
                                       "failed (", name,
                                       "): ", *captured.message));
          }
          return absl::OkStatus();
        });

ZB_STEP(kThen, "partial resources should be cleaned up",
        [](StepContext& context) -> absl::Status {
          const std::string& name = context.State<CreationAttempt>().name;
          if (name.empty()) return Failed("no creation was attempted");
          const std::vector<std::string> left = ExistingObjects(name);
          if (!left.empty()) {
            return Failed(absl::StrCat("left behind: ", ListedOrNone(left)));
          }
          return absl::OkStatus();
        });

// --- 10.6 Permission errors -------------------------------------------------

// Harmony routes these by the role named; the account is what the reader
// or writer acts as (see ResolveActingUser).
ZB_STEP(kGiven, "the (reader|writer) is '([^']*)'",
        [](StepContext& context, const std::string& role,
           const std::string& account) -> absl::Status {
          context.State<ActingUsers>().account_by_role[role] = account;
          context.log().Info(
              absl::StrCat("The ", role, " acts as '", account, "'"));
          return absl::OkStatus();
        });

ZB_STEP(kGiven,
        "the '([^']*)' process creates buffer '([^']*)' with restrictive "
        "permissions",
        [](StepContext& context, const std::string& role,
           const std::string& buffer) -> absl::Status {
          const std::string name = context.PhysicalName(buffer);
          ReaderOptions options;
          options.permissions = kRestrictiveMode;
          context.State<Endpoints>().CreateReader(name, kSmallConfig, options);
          const absl::StatusOr<uint32_t> owner = ExpectOwnerOnly(name);
          if (!owner.ok()) return owner.status();
          const std::map<std::string, std::string>& accounts =
              context.State<ActingUsers>().account_by_role;
          const auto account = accounts.find(role);
          context.log().Info(absl::StrCat(
              "Created ", name, " with mode ",
              absl::StrFormat("%04o", kRestrictiveMode), " for its owner, uid ",
              *owner,
              account == accounts.end()
                  ? ""
                  : absl::StrCat(" (this serve's user, acting as '",
                                 account->second, "')")));
          return absl::OkStatus();
        });

// What a process that may not act as another user can check of 10.6: the
// objects of `attempt.buffer` are its own user's with owner-only modes, and
// that user connects (and leaves again). The refusal itself is logged as
// untested.
absl::Status CheckOwnerOnly(StepContext& context,
                            const PermissionAttempt& attempt) {
  const absl::StatusOr<uint32_t> owner = ExpectOwnerOnly(attempt.buffer);
  if (!owner.ok()) return owner.status();
  const ConnectOutcome own = ConnectHere(attempt.buffer);
  if (!own.connected) {
    return Failed(absl::StrCat("the owner, uid ", *owner,
                               ", cannot connect a writer to its own buffer ",
                               attempt.buffer, ": ", own.message));
  }
  const uint64_t writer_pid =
      SegmentAccess(attempt.buffer).Snapshot().writer_pid;
  if (writer_pid != 0) {
    return Failed(absl::StrCat("the owner's writer left writer_pid ",
                               writer_pid, " in the OIEB of ", attempt.buffer));
  }
  context.log().Warning(absl::StrCat(
      "NOT TESTED: whether ", attempt.user.Describe(), " is refused by ",
      attempt.buffer,
      ". Acting as another user needs root or CAP_SETUID, and this process "
      "(uid ",
      *owner, ") cannot: ", *attempt.not_switched,
      ". Checked instead: every object has mode 0",
      absl::StrFormat("%o", kRestrictiveMode), " and owner uid ", *owner,
      ", and the owner's writer connects and leaves"));
  return absl::OkStatus();
}

ZB_STEP(kWhen, "another writer attempts to connect without permissions",
        [](StepContext& context) -> absl::Status {
          const std::vector<std::string> buffers = LiveScenarioBuffers(context);
          if (buffers.size() != 1) {
            return Failed(absl::StrCat(
                "expected the one live buffer of this scenario, found ",
                buffers.size(), ": ", ListedOrNone(buffers)));
          }
          const std::map<std::string, std::string>& accounts =
              context.State<ActingUsers>().account_by_role;
          const auto account = accounts.find("writer");
          if (account == accounts.end()) {
            return Failed("no step said which user the writer is");
          }
          const absl::StatusOr<ActingUser> user =
              ResolveActingUser(account->second);
          if (!user.ok()) return Failed(std::string(user.status().message()));
          const BufferObject segment = ObjectsOf(buffers.front()).front();
          const absl::StatusOr<platform::FileOwnership> owner =
              segment.path.has_value()
                  ? platform::GetFileOwnership(*segment.path)
                  : absl::StatusOr<platform::FileOwnership>(
                        absl::UnimplementedError(
                            "segments are not files here"));
          if (!owner.ok()) {
            return Failed(absl::StrCat("cannot tell who owns ",
                                       segment.Describe(), ": ",
                                       owner.status().message()));
          }
          PermissionAttempt& attempt = context.State<PermissionAttempt>();
          attempt = {buffers.front(), *user, std::nullopt};
          if (owner->uid == user->identity.uid) {
            // This serve runs as the stand-in user itself ('nobody').
            attempt.not_switched =
                absl::StrCat("the writer would act as uid ", user->identity.uid,
                             ", which owns ", segment.Describe());
            return CheckOwnerOnly(context, attempt);
          }
          const absl::StatusOr<ConnectOutcome> outcome =
              ConnectAs(user->identity, buffers.front(), kConnectAsTimeout);
          if (absl::IsPermissionDenied(outcome.status()) ||
              absl::IsUnimplemented(outcome.status())) {
            attempt.not_switched = std::string(outcome.status().message());
            return CheckOwnerOnly(context, attempt);
          }
          if (!outcome.ok()) {
            return Failed(absl::StrCat("cannot attempt the connection as ",
                                       user->Describe(), ": ",
                                       outcome.status().message()));
          }
          context.log().Info(absl::StrCat("Connecting to ", buffers.front(),
                                          " (owner uid ", owner->uid, ") as ",
                                          user->Describe()));
          Attempt(context, [&outcome] {
            if (outcome->connected) return;
            if (outcome->error.has_value()) {
              throw ZeroBufferException(outcome->message, *outcome->error);
            }
            throw std::runtime_error(outcome->message);
          });
          return absl::OkStatus();
        });

ZB_STEP(kThen, "permission denied error should be handled",
        [](StepContext& context) -> absl::Status {
          const PermissionAttempt& attempt = context.State<PermissionAttempt>();
          if (attempt.buffer.empty()) {
            return Failed("no connection without permissions was attempted");
          }
          if (attempt.not_switched.has_value()) {
            // The owner-only checks ran in place of the attempt; the objects
            // must still be as they were.
            context.log().Warning(absl::StrCat(
                "NOT TESTED: the refusal of ", attempt.user.Describe(),
                " (needs root or CAP_SETUID: ", *attempt.not_switched, ")"));
            return ExpectOwnerOnly(attempt.buffer).status();
          }
          const CapturedError& captured = context.State<CapturedError>();
          if (!captured.failed()) {
            return Failed(absl::StrCat(attempt.user.Describe(),
                                       " connected to ", attempt.buffer,
                                       ": its permissions kept nobody out"));
          }
          // The library has no error code for it: an OS refusal is a
          // ZeroBufferException carrying the OS's reason.
          if (!captured.code.has_value() ||
              !absl::StrContains(*captured.message, "Permission denied")) {
            return Failed(absl::StrCat(
                "the connection failed, but not with a permission error: ",
                captured.code.has_value() ? ErrorCodeName(*captured.code)
                                          : "not a library error",
                ": ", *captured.message));
          }
          const uint64_t writer_pid =
              SegmentAccess(attempt.buffer).Snapshot().writer_pid;
          if (writer_pid != 0) {
            return Failed(absl::StrCat("the refused writer left writer_pid ",
                                       writer_pid, " in the OIEB"));
          }
          return ExpectObjectModes(attempt.buffer, kRestrictiveMode);
        });

// 10.6 (and 4.11): every live buffer of the scenario is still whole.
ZB_STEP(kThen, "no resource corruption should occur",
        [](StepContext& context) -> absl::Status {
          const std::vector<std::string> buffers = LiveScenarioBuffers(context);
          if (buffers.empty()) {
            return Failed(absl::StrCat(
                "no buffer of this scenario (names ending in '",
                context.PhysicalName(""), "') has a live reader to check"));
          }
          std::vector<std::string> problems;
          for (const std::string& buffer : buffers) {
            const absl::Status whole = CheckBufferConsistency(buffer);
            if (!whole.ok()) problems.emplace_back(whole.message());
          }
          if (!problems.empty()) return Failed(absl::StrJoin(problems, "; "));
          context.log().Info(
              absl::StrCat("Consistent: ", ListedOrNone(buffers)));
          return absl::OkStatus();
        });

}  // namespace
}  // namespace zerobuffer::steps

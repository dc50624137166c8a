// Steps of feature 05 (corruption detection): damage real shared memory and
// check that the library notices with the error the scenario names; a reader
// that dies while a write is in progress; a wrap that gives up the ring's
// tail; the free-space rule; the largest frame a ring holds. Sentences and
// routing: step-catalog section 3, feature 05.

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "platform/process.h"
#include "steps/context.h"
#include "steps/edge_cases/frame_flow.h"
#include "steps/integrity/integrity_support.h"
#include "steps/registry.h"
#include "steps/step_failure.h"
#include "steps/support/captured_error.h"
#include "steps/support/data_patterns.h"
#include "steps/support/endpoints.h"
#include "steps/support/oieb_changes.h"
#include "steps/support/segment_access.h"
#include "steps/support/step_tables.h"
#include "steps/support/stream_state.h"
#include "steps/support/write_when_room.h"
#include "zerobuffer/free_space.h"
#include "zerobuffer/zerobuffer.h"

namespace zerobuffer::steps {
namespace {

using integrity::CurrentBufferName;
using integrity::DescribePatternMismatch;
using integrity::kReadTimeout;
using integrity::ReadAttempt;

// "Attempts to read" expects a frame that is already there (or an error);
// waiting longer would only delay the failure report.
constexpr std::chrono::milliseconds kAttemptReadTimeout{2000};

// ---------------------------------------------------------------------------
// 5.1 and 5.2: damaged OIEB and frame headers.

// An OIEB field a step can damage, and a value no v1 writer accepts there.
struct OiebDamage {
  size_t offset;
  size_t width;  // bytes; the value is stored little-endian
  uint64_t wrong_value;
  std::string why;
};

std::optional<OiebDamage> DamageFor(const std::string& field,
                                    uint64_t segment_size) {
  // Upstream's scenario calls the 128-byte size field 'operation_size'.
  if (field == "oieb_size" || field == "operation_size") {
    return OiebDamage{offsetof(OIEB, oieb_size), sizeof(uint32_t), 1024,
                      "the size of the unimplemented 1024-byte v2 OIEB"};
  }
  if (field == "version") {
    return OiebDamage{offsetof(OIEB, version), sizeof(uint8_t), 2,
                      "protocol major version 2"};
  }
  if (field == "metadata_size" || field == "payload_size") {
    return OiebDamage{field == "metadata_size" ? offsetof(OIEB, metadata_size)
                                               : offsetof(OIEB, payload_size),
                      sizeof(uint64_t), segment_size,
                      "the whole segment's size, which cannot fit behind the "
                      "OIEB"};
  }
  return std::nullopt;
}

uint64_t LoadLittleEndian(const std::byte* at, size_t width) {
  uint64_t value = 0;
  std::memcpy(&value, at, width);
  return value;
}

ZB_STEP(kWhen, "the test corrupts OIEB field '([^']*)' to wrong value",
        [](StepContext& context, const std::string& field) -> absl::Status {
          const std::string name = CurrentBufferName(context);
          SegmentAccess segment(name);
          const std::optional<OiebDamage> damage =
              DamageFor(field, segment.size());
          if (!damage.has_value()) {
            return absl::InvalidArgumentError(
                absl::StrCat("no corruption is defined for OIEB field '", field,
                             "' (known: oieb_size, operation_size, version, "
                             "metadata_size, payload_size)"));
          }
          std::byte* const at = segment.data() + damage->offset;
          const uint64_t before = LoadLittleEndian(at, damage->width);
          std::memcpy(at, &damage->wrong_value, damage->width);
          const uint64_t after = LoadLittleEndian(at, damage->width);
          if (after != damage->wrong_value) {
            return Failed(absl::StrCat("OIEB field ", field, " reads ", after,
                                       " after storing ", damage->wrong_value));
          }
          context.log().Info(absl::StrCat(
              "OIEB field '", field, "' (offset ", damage->offset, ") of ",
              name, ": ", before, " -> ", after, " (", damage->why, ")"));
          return absl::OkStatus();
        });

ZB_STEP(kThen, "the connection should fail with invalid OIEB error",
        [](StepContext& context) -> absl::Status {
          const absl::Status refused = ExpectCapturedError(
              context, ErrorCode::kIncompatibleBuffer, "invalid OIEB error");
          if (!refused.ok()) return refused;
          // A writer refused for a bad OIEB must leave the live one alone.
          Endpoints& endpoints = context.State<Endpoints>();
          if (!endpoints.has_writer()) return absl::OkStatus();
          const uint64_t writer_pid =
              SegmentAccess(endpoints.writer().name()).Snapshot().writer_pid;
          if (writer_pid != platform::CurrentProcessId()) {
            return Failed(absl::StrCat(
                "the refused connection disturbed the live writer: "
                "writer_pid is ",
                writer_pid, ", this process (the live writer) is ",
                platform::CurrentProcessId()));
          }
          return absl::OkStatus();
        });

ZB_STEP(kWhen, "the test corrupts frame header '([^']*)' to '(\\d+)'",
        [](StepContext& context, const std::string& field,
           uint64_t value) -> absl::Status {
          const std::string name = CurrentBufferName(context);
          SegmentAccess segment(name);
          const uint64_t offset = integrity::NextUnreadFrameOffset(segment);
          const FrameHeader header = segment.HeaderAt(offset);
          FrameHeader damaged = header;
          if (field == "payload_size") {
            damaged.payload_size = value;
          } else if (field == "sequence_number") {
            damaged.sequence_number = value;
          } else {
            return absl::InvalidArgumentError(
                absl::StrCat("a frame header has no field '", field,
                             "' (payload_size, sequence_number)"));
          }
          segment.SetHeader(offset, damaged);
          context.log().Info(absl::StrCat(
              "Frame header at ring offset ", offset, " of ", name,
              ": {payload_size ", header.payload_size, ", sequence ",
              header.sequence_number, "} -> {", damaged.payload_size, ", ",
              damaged.sequence_number, "}"));
          return absl::OkStatus();
        });

// Also used by feature 06 (6.1).
ZB_STEP(kWhen, "the '([^']*)' process attempts to read frame",
        [](StepContext& context, const std::string&) -> absl::Status {
          Reader& reader = context.State<Endpoints>().reader();
          ReadState& state = context.State<ReadState>();
          ReadAttempt& attempt = context.State<ReadAttempt>();
          attempt = ReadAttempt();
          attempt.read_count_before = reader.oieb_snapshot().payload_read_count;
          Attempt(context, [&] {
            try {
              Frame frame = reader.read_frame(kAttemptReadTimeout);
              if (!frame.valid()) {
                throw std::runtime_error(
                    absl::StrCat("no frame arrived within ",
                                 kAttemptReadTimeout.count(), " ms"));
              }
              state.Remember(frame);
              state.held = std::move(frame);
            } catch (const SequenceError& error) {
              attempt.expected_sequence = error.expected();
              attempt.got_sequence = error.got();
              throw;
            }
          });
          return absl::OkStatus();
        });

ZB_STEP(kThen, "the read should fail with invalid frame size error",
        [](StepContext& context) -> absl::Status {
          const absl::Status refused =
              ExpectCapturedError(context, ErrorCode::kInvalidFrameSize,
                                  "invalid frame size error");
          if (!refused.ok()) return refused;
          return integrity::ExpectFrameLeftUnread(context);
        });

// ---------------------------------------------------------------------------
// 5.3: the reader dies while a write is in progress.

constexpr char kInProgressTask[] = "integrity: write in progress";
// How long "completes write operation" waits for the commit.
constexpr absl::Duration kCommitWait = absl::Seconds(10);

// A frame reserved in place and filled, but not yet committed: shared with
// the background task that holds it open across the reader's death.
struct InProgressWrite {
  size_t size = 0;
  std::mutex mutex;
  std::condition_variable_any changed;
  bool reserved = false;
  bool complete_requested = false;
  std::optional<ErrorCode> commit_code;
  std::optional<std::string> commit_error;
};

struct InProgressWriteState {
  std::shared_ptr<InProgressWrite> write;
};

ZB_STEP(kWhen,
        "the '([^']*)' process starts writing large frame of '(\\d+)' bytes",
        [](StepContext& context, const std::string&,
           uint64_t size) -> absl::Status {
          Writer* writer = &context.State<Endpoints>().writer();
          auto write = std::make_shared<InProgressWrite>();
          write->size = size;
          context.State<InProgressWriteState>().write = write;
          StepLog* log = &context.log();
          // In the background, so that the write is still open while Harmony
          // crashes the reader; "completes write operation" commits it.
          BackgroundTask& task = context.tasks().Start(
              kInProgressTask,
              [writer, write, log](std::stop_token stop) -> absl::Status {
                uint64_t sequence = 0;
                const std::span<std::byte> payload =
                    writer->get_frame_buffer(write->size, sequence);
                FillPattern(payload, sequence);
                {
                  std::unique_lock lock(write->mutex);
                  write->reserved = true;
                  write->changed.notify_all();
                  log->Info(
                      absl::StrCat("Frame ", sequence, " of ", write->size,
                                   " bytes reserved and filled; its commit "
                                   "waits for 'completes write operation'"));
                  if (!write->changed.wait(lock, stop, [&write] {
                        return write->complete_requested;
                      })) {
                    return absl::CancelledError(
                        "the scenario ended with the write still in progress");
                  }
                }
                try {
                  writer->commit_frame();
                } catch (const ZeroBufferException& error) {
                  std::lock_guard lock(write->mutex);
                  write->commit_code = error.code();
                  write->commit_error = error.what();
                }
                return absl::OkStatus();
              });
          // The step returns once the write is really in progress.
          const absl::Time give_up =
              absl::Now() + absl::FromChrono(kReadTimeout);
          while (true) {
            {
              std::lock_guard lock(write->mutex);
              if (write->reserved) return absl::OkStatus();
            }
            if (std::optional<absl::Status> ended =
                    task.WaitFor(absl::Milliseconds(10))) {
              return Failed(absl::StrCat("the write could not start: ",
                                         ended->message()));
            }
            if (absl::Now() >= give_up) {
              return Failed(absl::StrCat("no room for the ", size,
                                         "-byte frame within ",
                                         kReadTimeout.count(), " ms"));
            }
          }
        });

ZB_STEP(kWhen, "the '([^']*)' process completes write operation",
        [](StepContext& context, const std::string&) -> absl::Status {
          const std::shared_ptr<InProgressWrite> write =
              context.State<InProgressWriteState>().write;
          BackgroundTask* task = context.tasks().Find(kInProgressTask);
          if (write == nullptr || task == nullptr) {
            return Failed("no write is in progress in this process");
          }
          {
            std::lock_guard lock(write->mutex);
            write->complete_requested = true;
          }
          write->changed.notify_all();
          const std::optional<absl::Status> ended = task->WaitFor(kCommitWait);
          if (!ended.has_value()) {
            return Failed(absl::StrCat("the commit did not return within ",
                                       absl::FormatDuration(kCommitWait)));
          }
          if (!ended->ok()) return Failed(std::string(ended->message()));
          // The commit's outcome is what the next steps look at.
          CapturedError& captured = context.State<CapturedError>();
          captured = CapturedError();
          captured.attempted = true;
          std::lock_guard lock(write->mutex);
          captured.code = write->commit_code;
          captured.message = write->commit_error;
          context.log().Info(
              write->commit_error.has_value()
                  ? absl::StrCat("The commit failed: ", *write->commit_error)
                  : absl::StrCat("The ", write->size,
                                 "-byte frame was committed (publishing "
                                 "never consults the reader)"));
          return absl::OkStatus();
        });

// Another frame as large as the one in progress: it cannot fit next to the
// unread one, so the writer must wait for space and, while waiting, checks
// the reader's liveness (protocol.md 8.3). A small frame could be written
// without consulting the reader at all.
ZB_STEP(kWhen, "the '([^']*)' process attempts next operation",
        [](StepContext& context, const std::string&) -> absl::Status {
          Writer& writer = context.State<Endpoints>().writer();
          const std::shared_ptr<InProgressWrite>& write =
              context.State<InProgressWriteState>().write;
          const size_t size = write != nullptr ? write->size : 1024;
          Attempt(context, [&] {
            writer.write_frame(MakePattern(size, writer.frames_written() + 1));
          });
          return absl::OkStatus();
        });

ZB_STEP(kThen, "the '([^']*)' process should detect reader death",
        [](StepContext& context, const std::string&) -> absl::Status {
          Writer& writer = context.State<Endpoints>().writer();
          const uint64_t reader_pid = writer.oieb_snapshot().reader_pid;
          if (writer.is_reader_connected()) {
            return Failed(absl::StrCat("the writer still sees its reader (PID ",
                                       reader_pid, ") alive"));
          }
          const CapturedError& captured = context.State<CapturedError>();
          if (captured.code != ErrorCode::kReaderDead) {
            return Failed(absl::StrCat(
                "reader PID ", reader_pid,
                " is gone, but the writer's last operation ",
                captured.failed()
                    ? absl::StrCat("failed with: ", *captured.message)
                    : "did not report it"));
          }
          context.log().Info(absl::StrCat(
              "Reader PID ", reader_pid,
              " is gone and the writer said so: ", *captured.message));
          return absl::OkStatus();
        });

// ---------------------------------------------------------------------------
// 5.5: a wrap that wastes the ring's tail.
//
// With the first frame unread, the wrapped frame cannot be placed: the wrap
// needs the tail plus the frame free (protocol.md 6.2), and only the
// reader's release provides it, which Harmony sends after the writer's
// three checks. So the write waits in the background; the writer's checks
// assert the state that decides the wrap (and that nothing was written too
// early), and the reader's checks, once it has released the first frame,
// find the marker, the debited waste and the frame at offset 0 in shared
// memory.

constexpr char kWrapWriteTask[] = "integrity: wrapped write";
// Written over the free bytes at the write position before the wrapped
// write starts: the segment starts zeroed and a wrap marker is zeros too,
// so only a marked region shows whether the writer has written there.
constexpr std::byte kSentinel{0xA5};

// 'incremental' bytes are i % 256 in any frame; 'sequential' ones are
// (i + sequence) % 256 for the frame's sequence number (step-catalog 2.2).
std::optional<uint64_t> PatternSeed(const std::string& pattern,
                                    uint64_t sequence) {
  if (pattern == "incremental") return 0;
  if (pattern == "sequential") return sequence;
  return std::nullopt;
}

absl::Status UnknownPattern(const std::string& pattern) {
  return absl::InvalidArgumentError(absl::StrCat(
      "unknown pattern '", pattern, "' (incremental, sequential)"));
}

// The writer's side of the wrap, as it stood when the wrapped write began.
struct WrapWrite {
  uint64_t ring_size = 0;
  uint64_t position = 0;  // the write position: where the marker goes
  uint64_t free_before = 0;
  uint64_t frame_bytes = 0;  // 16 + payload of the wrapped frame
  uint64_t marked_bytes = 0;
  FrameHeader header_at_start{};  // what offset 0 held (the unread frame)
};

struct WrapWriteState {
  std::optional<WrapWrite> wrap;
};

ZB_STEP(kWhen,
        "writes frame that leaves '(\\d+)' bytes at end with '([^']*)' pattern",
        [](StepContext& context, uint64_t leave,
           const std::string& pattern) -> absl::Status {
          if (!PatternSeed(pattern, 0).has_value()) {
            return UnknownPattern(pattern);
          }
          Writer& writer = context.State<Endpoints>().writer();
          const OIEB before = writer.oieb_snapshot();
          const uint64_t ring_size = before.payload_size;
          const uint64_t write_pos = before.payload_write_pos % ring_size;
          const uint64_t room = ring_size - write_pos;
          if (leave >= room || room - leave <= kFrameHeaderSize) {
            return Failed(
                absl::StrCat("cannot leave ", leave, " bytes: ", room,
                             " bytes lie between write position ", write_pos,
                             " and the end of the ", ring_size,
                             "-byte ring, and a frame takes at least 17"));
          }
          const uint64_t size = room - leave - kFrameHeaderSize;
          uint64_t sequence = 0;
          const std::span<std::byte> payload =
              writer.get_frame_buffer(size, sequence);
          FillPattern(payload, *PatternSeed(pattern, sequence));
          writer.commit_frame();
          const uint64_t end = writer.oieb_snapshot().payload_write_pos;
          if (end != ring_size - leave) {
            return Failed(absl::StrCat("after the ", size,
                                       "-byte frame the write position is ",
                                       end, ", expected ", ring_size - leave));
          }
          context.log().Info(absl::StrCat(
              "Wrote frame ", sequence, " of ", size, " bytes (", pattern,
              "); the write position is ", end, ", ", leave,
              " bytes before the end of the ", ring_size, "-byte ring"));
          return absl::OkStatus();
        });

ZB_STEP(kWhen, "attempts to write '(\\d+)' byte frame with '([^']*)' pattern",
        [](StepContext& context, uint64_t size,
           const std::string& pattern) -> absl::Status {
          if (!PatternSeed(pattern, 0).has_value()) {
            return UnknownPattern(pattern);
          }
          // An attempt whose outcome the next steps judge: with the first
          // frame unread it waits (see above), so it runs in the background.
          Writer* writer = &context.State<Endpoints>().writer();
          SegmentAccess segment(writer->name());
          const OIEB oieb = segment.Snapshot();
          WrapWrite wrap;
          wrap.ring_size = oieb.payload_size;
          wrap.position = oieb.payload_write_pos % wrap.ring_size;
          wrap.free_before = oieb.payload_free_bytes;
          wrap.frame_bytes = kFrameHeaderSize + size;
          wrap.header_at_start = segment.HeaderAt(0);
          // The free bytes start at the write position (frames are released in
          // order here); only those up to the ring end matter for a wrap.
          wrap.marked_bytes =
              std::min(wrap.free_before, wrap.ring_size - wrap.position);
          std::fill_n(segment.ring() + wrap.position, wrap.marked_bytes,
                      kSentinel);
          context.State<WrapWriteState>().wrap = wrap;

          // The writer numbers its frames 1, 2, ... (one writer session).
          const std::vector<std::byte> frame = MakePattern(
              size, pattern == "sequential" ? writer->frames_written() + 1 : 0);
          const absl::Time give_up = absl::Now() + context.step_time_limit();
          StepLog* log = &context.log();
          context.tasks().Start(kWrapWriteTask, [writer, frame, give_up,
                                                 log](std::stop_token stop) {
            if (!WriteWhenRoom(*writer, frame, stop, give_up)) {
              return absl::DeadlineExceededError(
                  "the wrapped frame found no room before the scenario "
                  "ended");
            }
            log->Info(absl::StrCat("The wrapped ", frame.size(),
                                   "-byte frame is written"));
            return absl::OkStatus();
          });
          context.log().Info(
              absl::StrCat("Writing a ", size,
                           "-byte frame in the background: the write "
                           "position is ",
                           wrap.position, ", ", wrap.ring_size - wrap.position,
                           " bytes before the ring end, ", wrap.free_before,
                           " bytes free; marked ", wrap.marked_bytes,
                           " free bytes at the write position with 0xA5"));
          return absl::OkStatus();
        });

// The wrap waits for the reader: the write must still be pending, and the
// writer where the attempt found it.
absl::Status ExpectWrapPending(StepContext& context, const WrapWrite& wrap,
                               const OIEB& now) {
  BackgroundTask* task = context.tasks().Find(kWrapWriteTask);
  if (task == nullptr) return Failed("no wrapped write was started");
  if (std::optional<absl::Status> ended = task->WaitFor(absl::ZeroDuration())) {
    return Failed(absl::StrCat(
        "the wrapped write ended before the reader released the unread "
        "frame, when a wrap cannot fit yet (",
        ended->ok() ? "it succeeded" : ended->message(), ")"));
  }
  const uint64_t write_pos = now.payload_write_pos % wrap.ring_size;
  if (write_pos != wrap.position) {
    return Failed(absl::StrCat("the write position moved from ", wrap.position,
                               " to ", write_pos,
                               " although the wrap cannot happen yet"));
  }
  return absl::OkStatus();
}

const WrapWrite& AttemptedWrap(StepContext& context) {
  const std::optional<WrapWrite>& wrap = context.State<WrapWriteState>().wrap;
  if (!wrap.has_value()) throw StepFailure("no wrapped write was attempted");
  return *wrap;
}

ZB_STEP(
    kThen, "the '([^']*)' process should write wrap marker at current position",
    [](StepContext& context, const std::string&) -> absl::Status {
      const WrapWrite& wrap = AttemptedWrap(context);
      SegmentAccess segment(context.State<Endpoints>().writer().name());
      const OIEB now = segment.Snapshot();
      const absl::Status pending = ExpectWrapPending(context, wrap, now);
      if (!pending.ok()) return pending;
      // Independently of the library: a frame longer than the tail wraps,
      // and a tail that holds a header gets a marker (protocol.md 3.5).
      const uint64_t tail = wrap.ring_size - wrap.position;
      if (wrap.frame_bytes <= tail) {
        return Failed(absl::StrCat("a ", wrap.frame_bytes,
                                   "-byte frame fits in the ", tail,
                                   "-byte tail: no wrap is due"));
      }
      if (tail < kFrameHeaderSize) {
        return Failed(
            absl::StrCat("a ", tail, "-byte tail cannot hold a wrap marker"));
      }
      const WritePlan plan =
          PlanWrite(wrap.ring_size, wrap.position, wrap.frame_bytes,
                    now.payload_free_bytes);
      if (plan.kind != WritePlan::Kind::kWrapWithMarker || plan.waste != tail) {
        return Failed(absl::StrCat(
            "the library does not plan a wrap marker at ", wrap.position,
            " giving up ", tail, " bytes (plan kind ",
            static_cast<int>(plan.kind), ", waste ", plan.waste, ")"));
      }
      // The marker must not appear before its frame can follow it.
      if (wrap.marked_bytes < kFrameHeaderSize) {
        return Failed(absl::StrCat("only ", wrap.marked_bytes,
                                   " free bytes at the write position could "
                                   "be marked"));
      }
      const std::byte* const at = segment.ring() + wrap.position;
      for (uint64_t i = 0; i < kFrameHeaderSize; ++i) {
        if (at[i] != kSentinel) {
          return Failed(absl::StrCat(
              "ring offset ", wrap.position + i, " was written (",
              static_cast<int>(at[i]),
              ") before the wrap could fit: a marker must not precede "
              "its frame"));
        }
      }
      context.log().Info(absl::StrCat(
          "The marker is due at ring offset ", wrap.position, " (the ",
          wrap.frame_bytes, "-byte frame does not fit in the ", tail,
          "-byte tail) once ", plan.required_free, " bytes are free (",
          now.payload_free_bytes,
          " now); nothing is written there yet. The reader's 'should detect "
          "wrap marker' checks the marker itself"));
      return absl::OkStatus();
    });

ZB_STEP(kThen, "should see payload_free_bytes reduced by wasted space",
        [](StepContext& context) -> absl::Status {
          const WrapWrite& wrap = AttemptedWrap(context);
          const OIEB now = context.State<Endpoints>().writer().oieb_snapshot();
          const absl::Status pending = ExpectWrapPending(context, wrap, now);
          if (!pending.ok()) return pending;
          if (now.payload_free_bytes != wrap.free_before) {
            return Failed(absl::StrCat(
                "payload_free_bytes went from ", wrap.free_before, " to ",
                now.payload_free_bytes,
                " before the wrap: the tail may only be debited with its "
                "frame"));
          }
          const uint64_t tail = wrap.ring_size - wrap.position;
          const WritePlan plan =
              PlanWrite(wrap.ring_size, wrap.position, wrap.frame_bytes,
                        now.payload_free_bytes);
          if (plan.required_free != tail + wrap.frame_bytes) {
            return Failed(absl::StrCat(
                "the library wants ", plan.required_free,
                " free bytes for the wrap; protocol.md 6.2 says tail + frame "
                "= ",
                tail + wrap.frame_bytes));
          }
          context.log().Info(absl::StrCat(
              "The wrap counts the ", tail, "-byte tail as used: it needs ",
              plan.required_free, " free bytes, not ", wrap.frame_bytes, " (",
              now.payload_free_bytes,
              " free now, so it waits); payload_free_bytes drops by ",
              plan.required_free,
              " when it happens, which the reader's 'should detect wrap "
              "marker' checks"));
          return absl::OkStatus();
        });

ZB_STEP(
    kThen, "frame should be written at buffer start",
    [](StepContext& context) -> absl::Status {
      const WrapWrite& wrap = AttemptedWrap(context);
      SegmentAccess segment(context.State<Endpoints>().writer().name());
      const OIEB now = segment.Snapshot();
      const absl::Status pending = ExpectWrapPending(context, wrap, now);
      if (!pending.ok()) return pending;
      const WritePlan plan =
          PlanWrite(wrap.ring_size, wrap.position, wrap.frame_bytes,
                    now.payload_free_bytes);
      if (!plan.wraps()) {
        return Failed("the library would not place the frame at offset 0");
      }
      // Offset 0 still holds the unread frame the wrap must wait for.
      const FrameHeader at_start = segment.HeaderAt(0);
      if (at_start.payload_size != wrap.header_at_start.payload_size ||
          at_start.sequence_number != wrap.header_at_start.sequence_number) {
        return Failed(absl::StrCat("the header at ring offset 0 changed from {",
                                   wrap.header_at_start.payload_size, ", ",
                                   wrap.header_at_start.sequence_number,
                                   "} to {", at_start.payload_size, ", ",
                                   at_start.sequence_number,
                                   "} while its frame is unread"));
      }
      if (now.payload_read_count >= now.payload_written_count) {
        return Failed("the frame at offset 0 has been read already");
      }
      context.log().Info(absl::StrCat(
          "The frame goes to ring offset 0, which still holds unread frame ",
          at_start.sequence_number, " (", at_start.payload_size,
          " bytes); the reader's 'should jump to buffer start' checks it "
          "there"));
      return absl::OkStatus();
    });

// The reader's side of the wrap.
struct WrapReadState {
  uint64_t marker_position = 0;
};

ZB_STEP(kWhen, "the '([^']*)' process reads next frame",
        [](StepContext& context, const std::string&) -> absl::Status {
          Frame frame =
              context.State<Endpoints>().reader().read_frame(kReadTimeout);
          if (!frame.valid()) {
            return Failed(absl::StrCat("no frame arrived within ",
                                       kReadTimeout.count(), " ms"));
          }
          context.State<ReadState>().Remember(frame);
          const uint64_t sequence = frame.sequence();
          const size_t size = frame.size();
          // Released at once: its space is what the waiting writer needs.
          frame.release();
          context.log().Info(absl::StrCat("Read frame ", sequence, " of ", size,
                                          " bytes and released it"));
          return absl::OkStatus();
        });

ZB_STEP(
    kThen, "the '([^']*)' process should detect wrap marker",
    [](StepContext& context, const std::string&) -> absl::Status {
      Reader& reader = context.State<Endpoints>().reader();
      SegmentAccess segment(reader.name());
      const OIEB before = segment.Snapshot();
      const uint64_t ring_size = before.payload_size;
      const uint64_t marker_position = before.payload_read_pos % ring_size;
      if (marker_position == 0 ||
          ring_size - marker_position < kFrameHeaderSize) {
        return Failed(absl::StrCat("no wrap marker can lie at read position ",
                                   marker_position));
      }
      // The writer publishes the marker and its frame together.
      const uint64_t wanted = before.payload_read_count + 2;
      const absl::Time give_up = absl::Now() + absl::FromChrono(kReadTimeout);
      while (segment.oieb().Load(&OIEB::payload_written_count) < wanted) {
        if (absl::Now() >= give_up) {
          return Failed(
              absl::StrCat("the writer published ",
                           segment.oieb().Load(&OIEB::payload_written_count),
                           " items within ", kReadTimeout.count(),
                           " ms; a marker and "
                           "its frame make ",
                           wanted));
        }
        absl::SleepFor(absl::Milliseconds(1));
      }
      const OIEB published = segment.Snapshot();
      const FrameHeader marker = segment.HeaderAt(marker_position);
      if (!marker.IsWrapMarker() || marker.sequence_number != 0) {
        return Failed(absl::StrCat(
            "ring offset ", marker_position, " holds {", marker.payload_size,
            ", ", marker.sequence_number, "}, not a wrap marker {0, 0}"));
      }
      // Every earlier frame is released, so the counter lacks exactly the
      // wasted tail and the wrapped frame.
      const uint64_t waste = ring_size - marker_position;
      const uint64_t frame_bytes =
          kFrameHeaderSize + segment.HeaderAt(0).payload_size;
      if (published.payload_free_bytes != ring_size - waste - frame_bytes) {
        return Failed(absl::StrCat(
            "payload_free_bytes is ", published.payload_free_bytes,
            " with the wrap published; ring ", ring_size, " - waste ", waste,
            " - frame ", frame_bytes, " = ", ring_size - waste - frame_bytes));
      }
      Frame frame = reader.read_frame(kReadTimeout);
      if (!frame.valid()) return Failed("the wrapped frame did not arrive");
      const OIEB after = segment.Snapshot();
      if (after.payload_read_count != before.payload_read_count + 2) {
        return Failed(absl::StrCat(
            "payload_read_count went from ", before.payload_read_count, " to ",
            after.payload_read_count,
            "; stepping over a marker and taking a frame count 2"));
      }
      if (after.payload_free_bytes != published.payload_free_bytes + waste) {
        return Failed(absl::StrCat(
            "stepping over the marker should credit the ", waste,
            " wasted bytes at once: payload_free_bytes went from ",
            published.payload_free_bytes, " to ", after.payload_free_bytes));
      }
      context.State<WrapReadState>().marker_position = marker_position;
      context.log().Info(absl::StrCat(
          "Wrap marker {0, 0} at ring offset ", marker_position, "; ", waste,
          " bytes wasted (payload_free_bytes ", published.payload_free_bytes,
          " = ", ring_size, " - ", waste, " - ", frame_bytes,
          "), credited back when the reader stepped over it (",
          after.payload_free_bytes, ")"));
      ReadState& state = context.State<ReadState>();
      state.Remember(frame);
      state.held = std::move(frame);
      return absl::OkStatus();
    });

ZB_STEP(kThen, "should jump to buffer start",
        [](StepContext& context) -> absl::Status {
          const Frame& frame = context.State<ReadState>().held;
          if (!frame.valid()) {
            return Failed("no frame was read past a wrap marker");
          }
          SegmentAccess segment(context.State<Endpoints>().reader().name());
          const OIEB now = segment.Snapshot();
          const FrameHeader at_start = segment.HeaderAt(0);
          if (at_start.payload_size != frame.size() ||
              at_start.sequence_number != frame.sequence()) {
            return Failed(absl::StrCat(
                "ring offset 0 holds {", at_start.payload_size, ", ",
                at_start.sequence_number, "}, the frame read is {",
                frame.size(), ", ", frame.sequence(), "}"));
          }
          const uint64_t end =
              (kFrameHeaderSize + frame.size()) % now.payload_size;
          if (now.payload_read_pos != end) {
            return Failed(
                absl::StrCat("the read position is ", now.payload_read_pos,
                             "; a frame taken at offset 0 ends at ", end));
          }
          if (std::memcmp(segment.ring() + kFrameHeaderSize, frame.data(),
                          frame.size()) != 0) {
            return Failed("the frame's bytes are not those at ring offset 16");
          }
          context.log().Info(absl::StrCat(
              "The reader went from the marker at ",
              context.State<WrapReadState>().marker_position,
              " to ring offset 0 and took frame ", frame.sequence(),
              " there; read position now ", end));
          return absl::OkStatus();
        });

ZB_STEP(kThen,
        "should read '(\\d+)' byte frame successfully with '([^']*)' pattern",
        [](StepContext& context, uint64_t size,
           const std::string& pattern) -> absl::Status {
          Frame& frame = context.State<ReadState>().held;
          if (!frame.valid()) return Failed("no frame is held");
          const std::optional<uint64_t> seed =
              PatternSeed(pattern, frame.sequence());
          if (!seed.has_value()) return UnknownPattern(pattern);
          if (frame.size() != size) {
            return Failed(absl::StrCat("the frame has ", frame.size(),
                                       " bytes, expected ", size));
          }
          if (std::optional<std::string> mismatch = DescribePatternMismatch(
                  frame.span(), *seed,
                  absl::StrCat("frame ", frame.sequence()))) {
            return Failed(*mismatch);
          }
          frame.release();
          // Everything written is read and released, the marker stepped
          // over: the whole ring is free again.
          const OIEB now = context.State<Endpoints>().reader().oieb_snapshot();
          if (now.payload_free_bytes != now.payload_size) {
            return Failed(absl::StrCat(
                "after the last release payload_free_bytes is ",
                now.payload_free_bytes, ", not the ring's ", now.payload_size));
          }
          return absl::OkStatus();
        });

// ---------------------------------------------------------------------------
// 5.6: the free-space rule for write and read positions.
//
// "continuous_free_bytes" is the obsolete README's notion (protocol.md 15).
// Its current meaning: the largest frame (header included) a writer at
// write_pos can place now, with the reader at read_pos and frames released
// in read order (protocol.md 7.2). Then the used bytes are the run from
// read_pos to write_pos, so free = P - ((write_pos - read_pos) mod P), equal
// positions meaning an empty ring (as the table's scenario column says), and
// by 6.2 a frame of T bytes fits in place when T <= P - write_pos and after
// a wrap when (P - write_pos) + T <= free, i.e. T <= read_pos. The largest
// frame is therefore max(P - write_pos, read_pos) when write_pos >= read_pos
// and read_pos - write_pos otherwise. The step compares that with the
// library's own rule (PlanWrite, the function the writer uses) applied to
// every frame size.

// A ring whose positions the table's values (up to 5000) fit in, with no
// metadata so that nothing but the ring matters.
const BufferConfig kSpecificConfig(0, 10240);

const StepTable kFreeSpaceTable = {
    {"write_pos", "read_pos", "expected_result", "scenario"},
    {"5000", "2000", "calculated", "write_pos > read_pos"},
    {"2000", "5000", "calculated", "write_pos < read_pos"},
    {"5000", "5000", "calculated", "write_pos == read_pos empty"},
    {"0", "0", "calculated", "both at start"},
    {"5000", "0", "calculated", "read_pos at start cannot wrap"},
};

struct FreeSpaceResults {
  int rows = 0;
  std::vector<std::string> mismatches;
};

// The largest frame the library's rule accepts, by trying every size.
uint64_t LargestFrameByLibrary(uint64_t ring_size, uint64_t write_pos,
                               uint64_t free_bytes) {
  uint64_t largest = 0;
  for (uint64_t frame_bytes = kFrameHeaderSize + 1; frame_bytes <= ring_size;
       ++frame_bytes) {
    const WritePlan plan =
        PlanWrite(ring_size, write_pos, frame_bytes, free_bytes);
    if (plan.kind != WritePlan::Kind::kNeverFits &&
        plan.required_free <= free_bytes) {
      largest = frame_bytes;
    }
  }
  return largest;
}

ZB_STEP(kGiven,
        "the '([^']*)' process creates buffer '([^']*)' with specific "
        "configuration",
        [](StepContext& context, const std::string&,
           const std::string& buffer) -> absl::Status {
          const std::string name = context.PhysicalName(buffer);
          context.State<Endpoints>().CreateReader(name, kSpecificConfig);
          context.log().Info(absl::StrCat(
              "Created buffer ", name, " (metadata ",
              kSpecificConfig.metadata_size, ", payload ",
              kSpecificConfig.payload_size, ") for the free-space table"));
          return absl::OkStatus();
        });

ZB_STEP(kWhen, "the system tests continuous_free_bytes calculation with:",
        [](StepContext& context) -> absl::Status {
          const uint64_t ring_size =
              context.State<Endpoints>().reader().oieb_snapshot().payload_size;
          FreeSpaceResults& results = context.State<FreeSpaceResults>();
          results = FreeSpaceResults();
          context.log().Info(absl::StrCat(
              "continuous_free_bytes is read as the largest frame (header "
              "included) a writer at write_pos can place now in the ",
              ring_size,
              "-byte ring: frames released in order, equal positions "
              "meaning an empty ring; by protocol.md 6.2 that is "
              "max(P - write_pos, read_pos) when write_pos >= read_pos, else "
              "read_pos - write_pos. Each row compares it with the largest "
              "size the library's PlanWrite accepts"));
          const auto rows =
              TableRows(TableOrWritten(context, kFreeSpaceTable),
                        {"write_pos", "read_pos", "expected_result"});
          for (const auto& row : rows) {
            const uint64_t write_pos =
                integrity::ParseCount(row.at("write_pos"), "write_pos");
            const uint64_t read_pos =
                integrity::ParseCount(row.at("read_pos"), "read_pos");
            if (write_pos >= ring_size || read_pos >= ring_size) {
              return absl::InvalidArgumentError(
                  absl::StrCat("positions ", write_pos, "/", read_pos,
                               " lie outside the ", ring_size, "-byte ring"));
            }
            const uint64_t used =
                (write_pos + ring_size - read_pos) % ring_size;
            const uint64_t free_bytes = ring_size - used;
            const uint64_t contiguous =
                write_pos >= read_pos
                    ? std::max(ring_size - write_pos, read_pos)
                    : read_pos - write_pos;
            // Fewer bytes than a header and one payload byte hold no frame.
            const uint64_t specified =
                contiguous > kFrameHeaderSize ? contiguous : 0;
            const uint64_t library =
                LargestFrameByLibrary(ring_size, write_pos, free_bytes);
            const std::string by_protocol =
                specified == 0
                    ? std::string("no frame fits")
                    : absl::StrCat(
                          "largest frame ", specified, " bytes (",
                          specified - kFrameHeaderSize, " of payload, ",
                          specified > ring_size - write_pos ? "after a wrap"
                                                            : "in place",
                          ")");
            std::string line =
                absl::StrCat("write_pos ", write_pos, ", read_pos ", read_pos,
                             ": free ", free_bytes, "; ", by_protocol,
                             " by the protocol, ", library, " by the library");
            ++results.rows;
            const std::string& expected = row.at("expected_result");
            if (library != specified) {
              results.mismatches.push_back(line);
            } else if (expected != "calculated" &&
                       integrity::ParseCount(expected, "expected_result") !=
                           specified) {
              results.mismatches.push_back(
                  absl::StrCat(line, "; the table expects ", expected));
            }
            context.log().Info(line);
          }
          return absl::OkStatus();
        });

ZB_STEP(kThen, "the '([^']*)' process calculations should match specification",
        [](StepContext& context, const std::string&) -> absl::Status {
          const FreeSpaceResults& results = context.State<FreeSpaceResults>();
          if (results.rows == 0) return Failed("no calculation was run");
          if (!results.mismatches.empty()) {
            return Failed(absl::StrCat(
                results.mismatches.size(), " of ", results.rows,
                " rows disagree: ", absl::StrJoin(results.mismatches, "; ")));
          }
          context.log().Info(absl::StrCat("All ", results.rows,
                                          " rows match the protocol's rule"));
          return absl::OkStatus();
        });

// ---------------------------------------------------------------------------
// 5.7: the largest frame a ring holds.

struct LargestFrameState {
  std::optional<uint64_t> size;
  uint64_t sequence = 0;
  OIEB before{};
  OIEB before_rejected{};
};

ZB_STEP(kWhen, "writes frame matching exactly payload size minus header",
        [](StepContext& context) -> absl::Status {
          Writer& writer = context.State<Endpoints>().writer();
          LargestFrameState& state = context.State<LargestFrameState>();
          state.before = writer.oieb_snapshot();
          const uint64_t ring_size = state.before.payload_size;
          if (state.before.payload_free_bytes != ring_size) {
            return Failed(
                absl::StrCat("the ring must be empty for a frame filling it: ",
                             state.before.payload_free_bytes, " of ", ring_size,
                             " bytes free"));
          }
          const uint64_t size = ring_size - kFrameHeaderSize;
          // In place: no second copy of a ring-sized frame in memory.
          const std::span<std::byte> payload =
              writer.get_frame_buffer(size, state.sequence);
          FillPattern(payload, state.sequence);
          writer.commit_frame();
          state.size = size;
          context.log().Info(absl::StrCat("Wrote frame ", state.sequence,
                                          " of ", size, " bytes into the ",
                                          ring_size, "-byte ring"));
          return absl::OkStatus();
        });

ZB_STEP(kThen,
        "the '([^']*)' process should verify frame was written successfully",
        [](StepContext& context, const std::string&) -> absl::Status {
          const LargestFrameState& state = context.State<LargestFrameState>();
          if (!state.size.has_value()) return Failed("no frame was written");
          SegmentAccess segment(context.State<Endpoints>().writer().name());
          const OIEB now = segment.Snapshot();
          if (now.payload_written_count !=
                  state.before.payload_written_count + 1 ||
              now.payload_free_bytes != 0 || now.payload_write_pos != 0) {
            return Failed(absl::StrCat(
                "after the frame: written_count ", now.payload_written_count,
                " (expected ", state.before.payload_written_count + 1,
                "), payload_free_bytes ", now.payload_free_bytes,
                " (expected 0), payload_write_pos ", now.payload_write_pos,
                " (expected 0: the frame ends at the ring end)"));
          }
          const FrameHeader header = segment.HeaderAt(0);
          if (header.payload_size != *state.size ||
              header.sequence_number != state.sequence) {
            return Failed(absl::StrCat("the header at ring offset 0 is {",
                                       header.payload_size, ", ",
                                       header.sequence_number, "}, expected {",
                                       *state.size, ", ", state.sequence, "}"));
          }
          if (std::optional<std::string> mismatch = DescribePatternMismatch(
                  {segment.ring() + kFrameHeaderSize, *state.size},
                  state.sequence, "the frame in shared memory")) {
            return Failed(*mismatch);
          }
          context.log().Info(absl::StrCat(
              "The ", *state.size, "-byte frame fills the ring exactly"));
          return absl::OkStatus();
        });

ZB_STEP(kWhen,
        "the '([^']*)' process attempts to write frame exceeding payload size",
        [](StepContext& context, const std::string&) -> absl::Status {
          Writer& writer = context.State<Endpoints>().writer();
          LargestFrameState& state = context.State<LargestFrameState>();
          state.before_rejected = writer.oieb_snapshot();
          const uint64_t size =
              state.before_rejected.payload_size - kFrameHeaderSize + 1;
          context.log().Info(absl::StrCat(
              "Attempting a ", size,
              "-byte frame: with its 16-byte header one byte more than the "
              "ring"));
          // In place, so that no buffer of that size is needed.
          Attempt(context, [&writer, size] {
            uint64_t sequence = 0;
            writer.get_frame_buffer(size, sequence);
          });
          return absl::OkStatus();
        });

ZB_STEP(kThen,
        "the '([^']*)' process write should be rejected with appropriate error",
        [](StepContext& context, const std::string&) -> absl::Status {
          const absl::Status rejected = ExpectCapturedError(
              context, ErrorCode::kFrameTooLarge, "frame-too-large error");
          if (!rejected.ok()) return rejected;
          const OIEB& before =
              context.State<LargestFrameState>().before_rejected;
          const OIEB now = context.State<Endpoints>().writer().oieb_snapshot();
          if (const std::optional<std::string> changed = DescribeChangedFields(
                  before, now,
                  {{"written_count", &OIEB::payload_written_count},
                   {"write_pos", &OIEB::payload_write_pos},
                   {"free", &OIEB::payload_free_bytes}})) {
            return Failed(absl::StrCat("the rejected frame changed the OIEB: ",
                                       *changed));
          }
          return absl::OkStatus();
        });

}  // namespace
}  // namespace zerobuffer::steps

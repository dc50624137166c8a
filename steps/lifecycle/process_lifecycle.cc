// Steps of feature 02 (process lifecycle): a writer that is killed, a
// reader that crashes, a new reader taking over the name of a crashed one,
// and a second writer turned away. Crashes and kills are Harmony's doing
// (the serve SIGKILLs or stops the process owning the buffers); these steps
// check what the surviving side and the replacement observe.

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "platform/file_lock.h"
#include "platform/process.h"
#include "steps/context.h"
#include "steps/registry.h"
#include "steps/step_failure.h"
#include "steps/support/buffer_objects.h"
#include "steps/support/captured_error.h"
#include "steps/support/data_patterns.h"
#include "steps/support/endpoints.h"
#include "steps/support/scoped_write_timeout.h"
#include "steps/support/segment_access.h"
#include "steps/support/stream_state.h"
#include "zerobuffer/names.h"
#include "zerobuffer/zerobuffer.h"

namespace zerobuffer::steps {
namespace {

using std::chrono::milliseconds;

constexpr milliseconds kReadTimeout{5000};
// How long the reader waits for a frame that must not come (2.1).
constexpr milliseconds kDeathReadTimeout{2000};
constexpr size_t kFillFrameSize = 1024;
// Short enough that a full ring is recognised at once.
constexpr absl::Duration kFullTimeout = absl::Milliseconds(100);
// 2.2: small writes after the reader's crash, as upstream C# does them.
constexpr int kDeathProbeWrites = 10;
constexpr milliseconds kDeathProbeInterval{100};
constexpr size_t kDeathProbeFrameSize = 64;

// What "a new reader" of 2.3 attempted, for the checks that follow it.
struct ReplacementReader {
  std::string name;
  BufferConfig config;
};

// A positive number from the environment, or 0.
uint64_t PositiveEnvironmentValue(const char* variable) {
  const char* text = std::getenv(variable);
  uint64_t value = 0;
  if (text == nullptr || !absl::SimpleAtoi(text, &value)) return 0;
  return value;
}

bool Contains(const std::vector<std::string>& list, const std::string& item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

// The new reader of 2.3, once its creation succeeded.
Reader& ReplacementOrFail(StepContext& context) {
  const ReplacementReader& replacement = context.State<ReplacementReader>();
  if (replacement.name.empty()) {
    throw StepFailure("no new reader attempted to create a buffer");
  }
  const CapturedError& captured = context.State<CapturedError>();
  if (captured.failed()) {
    throw StepFailure(absl::StrCat("the new reader could not create buffer ",
                                   replacement.name, ": ", *captured.message));
  }
  return context.State<Endpoints>().reader();
}

ZB_STEP(kGiven, "we run in harmony", [](StepContext& context) -> absl::Status {
  // Harmony names the run in initialize and in the environment; either
  // makes the isolation names of both processes agree.
  uint64_t host_pid = context.identity().host_pid;
  uint64_t feature_id = context.identity().feature_id;
  const char* source = "initialize";
  if (host_pid == 0 || feature_id == 0) {
    host_pid = PositiveEnvironmentValue("HARMONY_HOST_PID");
    feature_id = PositiveEnvironmentValue("HARMONY_FEATURE_ID");
    source = "HARMONY_HOST_PID/HARMONY_FEATURE_ID";
  }
  if (host_pid == 0 || feature_id == 0) {
    return Failed(
        "not run by Harmony: initialize named no host PID and feature id, "
        "and HARMONY_HOST_PID and HARMONY_FEATURE_ID are not both set to "
        "positive numbers");
  }
  const std::string expected_suffix =
      absl::StrCat("_", host_pid, "_", feature_id);
  const std::string suffix = context.PhysicalName("");
  if (suffix != expected_suffix) {
    return Failed(absl::StrCat("buffer names end in '", suffix,
                               "' instead of '", expected_suffix, "'"));
  }
  context.log().Info(absl::StrCat("Run by Harmony (", source, "): host PID ",
                                  host_pid, ", feature ", feature_id));
  return absl::OkStatus();
});

ZB_STEP(kThen, "the '([^']*)' process should read frame with data '([^']*)'",
        [](StepContext& context, const std::string&,
           const std::string& text) -> absl::Status {
          Frame frame =
              context.State<Endpoints>().reader().read_frame(kReadTimeout);
          if (!frame.valid()) {
            return Failed(absl::StrCat("no frame arrived within ",
                                       kReadTimeout.count(), " ms"));
          }
          const std::string payload(static_cast<const char*>(frame.data()),
                                    frame.size());
          if (payload != text) {
            return Failed(absl::StrCat("frame ", frame.sequence(), " holds '",
                                       payload, "' (", frame.size(),
                                       " bytes), expected '", text, "'"));
          }
          context.State<ReadState>().Remember(frame);
          return absl::OkStatus();
        });

ZB_STEP(kThen,
        "the '([^']*)' process should timeout or detect writer death on next "
        "read",
        [](StepContext& context, const std::string&) -> absl::Status {
          Reader& reader = context.State<Endpoints>().reader();
          std::string outcome;
          try {
            Frame frame = reader.read_frame(kDeathReadTimeout);
            if (frame.valid()) {
              return Failed(
                  absl::StrCat("frame ", frame.sequence(), " (", frame.size(),
                               " bytes) arrived after the writer was killed"));
            }
            outcome = absl::StrCat("no frame within ",
                                   kDeathReadTimeout.count(), " ms");
          } catch (const WriterDeadException& error) {
            outcome = error.what();
          }
          // A timeout alone would also pass with a live, idle writer: the
          // writer must really be gone.
          const uint64_t writer_pid = reader.oieb_snapshot().writer_pid;
          if (reader.is_writer_connected()) {
            return Failed(absl::StrCat(outcome, ", but writer PID ", writer_pid,
                                       " is still connected and alive"));
          }
          context.log().Info(
              absl::StrCat(outcome, "; writer_pid is ", writer_pid));
          return absl::OkStatus();
        });

ZB_STEP(kWhen, "the '([^']*)' process fills buffer completely",
        [](StepContext& context, const std::string&) -> absl::Status {
          Writer& writer = context.State<Endpoints>().writer();
          const ScopedWriteTimeout timeout(writer, kFullTimeout);
          const uint64_t ring = writer.oieb_snapshot().payload_size;
          // More frames than the ring can hold means it never fills.
          const uint64_t most = ring / (kFillFrameSize + kFrameHeaderSize) + 1;
          uint64_t written = 0;
          try {
            while (true) {
              if (written > most) {
                return Failed(absl::StrCat("wrote ", written, " frames of ",
                                           kFillFrameSize, " bytes into a ",
                                           ring,
                                           "-byte ring, which never "
                                           "filled up"));
              }
              writer.write_frame(
                  MakePattern(kFillFrameSize, writer.frames_written() + 1));
              ++written;
            }
          } catch (const BufferFullException& full) {
            context.log().Info(
                absl::StrCat("Buffer full after ", written, " more frames (",
                             writer.oieb_snapshot().payload_free_bytes, " of ",
                             ring, " bytes free): ", full.what()));
          }
          context.State<WriteState>().frames_until_full =
              static_cast<int>(written);
          return absl::OkStatus();
        });

ZB_STEP(kThen, "the '([^']*)' process should detect reader death on next write",
        [](StepContext& context, const std::string&) -> absl::Status {
          Writer& writer = context.State<Endpoints>().writer();
          const ScopedWriteTimeout timeout(writer, kFullTimeout);
          int succeeded = 0;
          int full = 0;
          for (int attempt = 1; attempt <= kDeathProbeWrites; ++attempt) {
            try {
              writer.write_frame(MakePattern(kDeathProbeFrameSize,
                                             writer.frames_written() + 1));
              ++succeeded;
            } catch (const ReaderDeadException& dead) {
              context.log().Info(
                  absl::StrCat("Write ", attempt,
                               " reported the reader dead: ", dead.what()));
              if (writer.is_reader_connected()) {
                return Failed(absl::StrCat(
                    "ReaderDead was thrown, yet reader PID ",
                    writer.oieb_snapshot().reader_pid, " is alive"));
              }
              return absl::OkStatus();
            } catch (const BufferFullException&) {
              ++full;
            }
            std::this_thread::sleep_for(kDeathProbeInterval);
          }
          return Failed(absl::StrCat(
              kDeathProbeWrites, " writes ", kDeathProbeInterval.count(),
              " ms apart never reported the reader's death: ", succeeded,
              " succeeded, ", full, " found the ring full; reader PID ",
              writer.oieb_snapshot().reader_pid, " is ",
              writer.is_reader_connected() ? "alive" : "gone"));
        });

// 2.3: Harmony sends this to the reader it just crashed, so it runs in the
// fresh process that replaced it, which is what a new reader is.
ZB_STEP(kWhen,
        "a new '([^']*)' process attempts to create buffer '([^']*)' with "
        "metadata size '(\\d+)' and payload size '(\\d+)'",
        [](StepContext& context, const std::string&, const std::string& buffer,
           uint64_t metadata_size, uint64_t payload_size) -> absl::Status {
          ReplacementReader& replacement = context.State<ReplacementReader>();
          replacement.name = context.PhysicalName(buffer);
          replacement.config = BufferConfig(metadata_size, payload_size);
          Attempt(context, [&] {
            context.State<Endpoints>().CreateReader(replacement.name,
                                                    replacement.config);
          });
          return absl::OkStatus();
        });

ZB_STEP(kThen, "the new reader should detect stale resources",
        [](StepContext& context) -> absl::Status {
          const Reader& reader = ReplacementOrFail(context);
          const std::string& name = context.State<ReplacementReader>().name;
          const StaleCleanupReport& report = reader.stale_cleanup_report();
          const bool found_lock =
              Contains(report.removed_lock_files, LockFilePaths(name).front());
          const bool found_buffer = Contains(report.removed_buffers, name);
          const std::string summary = absl::StrCat(
              "removed lock files: ", ListedOrNone(report.removed_lock_files),
              "; removed buffers: ", ListedOrNone(report.removed_buffers));
          // Another reader's cleanup may have taken the crashed reader's
          // lock file first, but not the segment: its writer is alive, so
          // only a reader creating this very name may remove it.
          if (!found_lock && !found_buffer) {
            return Failed(absl::StrCat("the new reader found nothing stale of ",
                                       name, " (", summary, ")"));
          }
          context.log().Info(absl::StrCat("Stale resources found: ", summary));
          return absl::OkStatus();
        });

ZB_STEP(kThen, "the new reader should clean up stale resources",
        [](StepContext& context) -> absl::Status {
          const Reader& reader = ReplacementOrFail(context);
          const std::string& name = context.State<ReplacementReader>().name;
          if (!Contains(reader.stale_cleanup_report().removed_buffers, name)) {
            return Failed(absl::StrCat(
                "the crashed reader's segment and semaphores of ", name,
                " were not removed (removed buffers: ",
                ListedOrNone(reader.stale_cleanup_report().removed_buffers),
                ")"));
          }
          // The segment under the name now is a new one: none of the old
          // reader's, writer's or frames' traces.
          const OIEB oieb = SegmentAccess(name).Snapshot();
          const uint64_t self = platform::CurrentProcessId();
          if (oieb.reader_pid != self || oieb.writer_pid != 0 ||
              oieb.payload_written_count != 0) {
            return Failed(absl::StrCat(
                "the segment named ", name,
                " still carries old state: reader_pid ", oieb.reader_pid,
                " (this process is ", self, "), writer_pid ", oieb.writer_pid,
                ", payload_written_count ", oieb.payload_written_count));
          }
          const std::string lock = LockFilePaths(name).front();
          const absl::StatusOr<bool> held = platform::FileLock::IsHeld(lock);
          if (!held.ok() || !*held) {
            return Failed(absl::StrCat("lock file ", lock,
                                       " is not held by the new reader"));
          }
          return absl::OkStatus();
        });

ZB_STEP(kThen, "the new reader should create fresh buffer successfully",
        [](StepContext& context) -> absl::Status {
          const Reader& reader = ReplacementOrFail(context);
          const ReplacementReader& replacement =
              context.State<ReplacementReader>();
          const OIEB oieb = reader.oieb_snapshot();
          const uint64_t metadata =
              AlignToBlock(replacement.config.metadata_size);
          const uint64_t payload =
              AlignToBlock(replacement.config.payload_size);
          if (oieb.metadata_size != metadata || oieb.payload_size != payload ||
              oieb.payload_free_bytes != payload ||
              oieb.metadata_written_bytes != 0 || oieb.payload_write_pos != 0 ||
              oieb.payload_read_pos != 0 || oieb.payload_read_count != 0) {
            return Failed(absl::StrCat(
                "the new buffer is not empty and sized as asked: metadata ",
                oieb.metadata_size, " (expected ", metadata, ", ",
                oieb.metadata_written_bytes, " written), payload ",
                oieb.payload_size, " (expected ", payload, ", ",
                oieb.payload_free_bytes, " free), write/read positions ",
                oieb.payload_write_pos, "/", oieb.payload_read_pos,
                ", read count ", oieb.payload_read_count));
          }
          const SegmentAccess segment(replacement.name);
          const std::optional<int> frames = segment.FramesSignalled();
          const std::optional<int> space = segment.SpaceSignalled();
          if (frames.value_or(0) != 0 || space.value_or(0) != 0) {
            return Failed(absl::StrCat(
                "the new semaphores carry old signals: sem-w ",
                frames.value_or(0), ", sem-r ", space.value_or(0)));
          }
          context.log().Info(absl::StrCat("Fresh buffer ", replacement.name,
                                          ": metadata ", metadata, ", payload ",
                                          payload));
          return absl::OkStatus();
        });

ZB_STEP(kWhen,
        "the '([^']*)' process detects reader death and reconnects to buffer "
        "'([^']*)'",
        [](StepContext& context, const std::string&,
           const std::string& buffer) -> absl::Status {
          Endpoints& endpoints = context.State<Endpoints>();
          Writer& old_writer = endpoints.writer();
          const uint64_t dead_reader = old_writer.oieb_snapshot().reader_pid;
          if (old_writer.is_reader_connected()) {
            return Failed(absl::StrCat("reader PID ", dead_reader,
                                       " of the connected buffer is alive: "
                                       "no reader death to detect"));
          }
          // Replaces (and closes) the writer of the crashed reader's segment.
          Writer& writer =
              endpoints.ConnectWriter(context.PhysicalName(buffer));
          const uint64_t new_reader = writer.oieb_snapshot().reader_pid;
          if (new_reader == dead_reader) {
            return Failed(
                absl::StrCat("reconnected to the buffer of the dead "
                             "reader PID ",
                             dead_reader));
          }
          context.log().Info(absl::StrCat("Reader PID ", dead_reader,
                                          " was gone; connected to the buffer "
                                          "of reader PID ",
                                          new_reader));
          return absl::OkStatus();
        });

ZB_STEP(kThen, "the connection should fail with writer exists error",
        [](StepContext& context) -> absl::Status {
          const absl::Status refused =
              ExpectCapturedError(context, ErrorCode::kWriterAlreadyConnected,
                                  "writer exists error");
          if (!refused.ok()) return refused;
          // The writer already connected here must keep its slot.
          Endpoints& endpoints = context.State<Endpoints>();
          if (endpoints.has_writer()) {
            const uint64_t holder =
                endpoints.writer().oieb_snapshot().writer_pid;
            const uint64_t self = platform::CurrentProcessId();
            if (holder != self) {
              return Failed(absl::StrCat(
                  "the first writer lost its slot: ", "writer_pid is ", holder,
                  ", this process is ", self));
            }
          }
          return absl::OkStatus();
        });

}  // namespace
}  // namespace zerobuffer::steps

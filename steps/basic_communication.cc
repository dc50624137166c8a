// Steps of feature 01 (basic communication): creating and connecting,
// metadata, frames by copy and in place, buffer full, and a fast writer
// against a slow reader. Sentences and semantics: step-catalog section 3.

#include <chrono>
#include <cstdint>
#include <optional>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "steps/context.h"
#include "steps/registry.h"
#include "steps/step_failure.h"
#include "steps/support/captured_error.h"
#include "steps/support/data_patterns.h"
#include "steps/support/endpoints.h"
#include "steps/support/scoped_write_timeout.h"
#include "steps/support/stream_state.h"
#include "steps/support/write_when_room.h"
#include "zerobuffer/zerobuffer.h"

namespace zerobuffer::steps {
namespace {

using std::chrono::milliseconds;

constexpr milliseconds kReadTimeout{5000};
constexpr milliseconds kDefaultWriteTimeout{5000};
// Short enough that "buffer full" is observed quickly, long enough not to
// mistake a busy reader for a full ring.
constexpr milliseconds kFullTimeout{100};
// How often a background write waiting for room checks for a stop request:
// well inside the time the serve gives its worker to exit (serve/front).
constexpr milliseconds kStopCheckInterval{20};
constexpr size_t kDefaultFrameSize = 1024;
constexpr int kMaxFramesUntilFull = 100;
constexpr char kWriterTask[] = "writer";

// "with default config": upstream C# uses 1024/10240, too small for the
// 10 MiB frames of scenarios 7.4 and 14.1. 32 MiB holds two 10 MiB frames at
// any write position (a frame always fits in half the ring).
const BufferConfig kDefaultConfig(1024, 32 << 20);

Frame ReadNextFrame(StepContext& context) {
  Frame frame = context.State<Endpoints>().reader().read_frame(kReadTimeout);
  if (!frame.valid()) {
    throw StepFailure(
        absl::StrCat("no frame arrived within ", kReadTimeout.count(), " ms"));
  }
  return frame;
}

absl::Status ExpectPattern(std::span<const std::byte> data, uint64_t sequence,
                           const std::string& what) {
  if (auto bad = FindPatternMismatch(data, sequence)) {
    return Failed(absl::StrCat(
        what, " differs from the pattern (i + ", sequence, ") % 256 at byte ",
        *bad, " of ", data.size(), ": found ", static_cast<int>(data[*bad]),
        ", expected ", static_cast<int>(PatternByte(*bad, sequence))));
  }
  return absl::OkStatus();
}

// Writes one frame with the given timeout; false when the ring stayed full.
bool TryWrite(Writer& writer, const std::vector<std::byte>& frame,
              milliseconds timeout) {
  ScopedWriteTimeout scoped(writer, absl::FromChrono(timeout));
  try {
    writer.write_frame(frame);
  } catch (const BufferFullException&) {
    return false;
  }
  return true;
}

ZB_STEP(kGiven, "the test environment is initialized",
        [](StepContext& context) -> absl::Status {
          context.Reset();
          context.log().Info("Test environment reset");
          return absl::OkStatus();
        });

ZB_STEP(kGiven, "all processes are ready",
        [](StepContext&) -> absl::Status { return absl::OkStatus(); });

ZB_STEP(kGiven,
        "the '([^']*)' process creates buffer '([^']*)' with metadata size "
        "'(\\d+)' and payload size '(\\d+)'",
        [](StepContext& context, const std::string&, const std::string& buffer,
           uint64_t metadata_size, uint64_t payload_size) -> absl::Status {
          const std::string name = context.PhysicalName(buffer);
          context.State<Endpoints>().CreateReader(
              name, BufferConfig(metadata_size, payload_size));
          context.log().Info(absl::StrCat("Created buffer ", name,
                                          " (metadata ", metadata_size,
                                          ", payload ", payload_size, ")"));
          return absl::OkStatus();
        });

ZB_STEP(kGiven,
        "the '([^']*)' process creates buffer '([^']*)' with default config",
        [](StepContext& context, const std::string&,
           const std::string& buffer) -> absl::Status {
          const std::string name = context.PhysicalName(buffer);
          context.State<Endpoints>().CreateReader(name, kDefaultConfig);
          context.log().Info(absl::StrCat(
              "Created buffer ", name, " with the default config (metadata ",
              kDefaultConfig.metadata_size, ", payload ",
              kDefaultConfig.payload_size, ")"));
          return absl::OkStatus();
        });

ZB_STEP(kWhen, "the '([^']*)' process connects to buffer '([^']*)'",
        [](StepContext& context, const std::string&,
           const std::string& buffer) -> absl::Status {
          const std::string name = context.PhysicalName(buffer);
          context.State<Endpoints>().ConnectWriter(name);
          context.log().Info(absl::StrCat("Connected to buffer ", name));
          return absl::OkStatus();
        });

ZB_STEP(kWhen, "the '([^']*)' process writes metadata with size '(\\d+)'",
        [](StepContext& context, const std::string&,
           uint64_t size) -> absl::Status {
          context.State<Endpoints>().writer().set_metadata(
              MakePattern(size, 0));
          return absl::OkStatus();
        });

ZB_STEP(kWhen,
        "the '([^']*)' process writes frame with size '(\\d+)' and sequence "
        "'(\\d+)'",
        [](StepContext& context, const std::string&, uint64_t size,
           uint64_t sequence) -> absl::Status {
          context.State<Endpoints>().writer().write_frame(
              MakePattern(size, sequence));
          return absl::OkStatus();
        });

ZB_STEP(kWhen, "the '([^']*)' process writes frame with sequence '(\\d+)'",
        [](StepContext& context, const std::string&,
           uint64_t sequence) -> absl::Status {
          context.State<Endpoints>().writer().write_frame(
              MakePattern(kDefaultFrameSize, sequence));
          return absl::OkStatus();
        });

ZB_STEP(kWhen, "the '([^']*)' process writes frame with size '(\\d+)'",
        [](StepContext& context, const std::string&,
           uint64_t size) -> absl::Status {
          context.State<Endpoints>().writer().write_frame(MakePattern(size, 0));
          return absl::OkStatus();
        });

ZB_STEP(kWhen, "the '([^']*)' process writes frame with data '([^']*)'",
        [](StepContext& context, const std::string&,
           const std::string& text) -> absl::Status {
          // UTF-8 bytes without a terminator (step-catalog 2.2).
          context.State<Endpoints>().writer().write_frame(text.data(),
                                                          text.size());
          return absl::OkStatus();
        });

// Routed to the process already holding a writer: a second Writer on the
// same buffer, expected to be refused.
ZB_STEP(kWhen,
        "a second '([^']*)' process attempts to connect to buffer '([^']*)'",
        [](StepContext& context, const std::string&,
           const std::string& buffer) -> absl::Status {
          const std::string name = context.PhysicalName(buffer);
          Attempt(context, [&name] { Writer second(name); });
          return absl::OkStatus();
        });

ZB_STEP(kThen,
        "the '([^']*)' process should read frame with sequence '(\\d+)' and "
        "size '(\\d+)'",
        [](StepContext& context, const std::string&, uint64_t sequence,
           uint64_t size) -> absl::Status {
          ReadState& state = context.State<ReadState>();
          Frame frame = ReadNextFrame(context);
          if (frame.sequence() != sequence || frame.size() != size) {
            return Failed(absl::StrCat("expected frame ", sequence, " of ",
                                       size, " bytes, read frame ",
                                       frame.sequence(), " of ", frame.size(),
                                       " bytes"));
          }
          const absl::Status content =
              ExpectPattern(frame.span(), sequence, "frame payload");
          if (!content.ok()) return content;
          state.Remember(frame);
          state.held = std::move(frame);
          return absl::OkStatus();
        });

ZB_STEP(kThen, "the '([^']*)' process should validate frame data",
        [](StepContext& context, const std::string&) -> absl::Status {
          const ReadState& state = context.State<ReadState>();
          if (state.last_payload.empty()) {
            return Failed("no frame has been read to validate");
          }
          return ExpectPattern(state.last_payload, state.last_sequence,
                               absl::StrCat("frame ", state.last_sequence));
        });

ZB_STEP(kThen, "the '([^']*)' process signals space available",
        [](StepContext& context, const std::string&) -> absl::Status {
          Frame& held = context.State<ReadState>().held;
          if (held.valid()) {
            context.log().Info(
                absl::StrCat("Releasing frame ", held.sequence()));
          }
          held.release();
          return absl::OkStatus();
        });

// Also covers "... with sequence 'N'" without the semicolon (features 02
// and 06): the same step.
ZB_STEP(kThen,
        "the '([^']*)' process should read frame with sequence '(\\d+)';?",
        [](StepContext& context, const std::string&,
           uint64_t sequence) -> absl::Status {
          ReadState& state = context.State<ReadState>();
          Frame frame = ReadNextFrame(context);
          if (frame.sequence() != sequence) {
            return Failed(absl::StrCat("expected frame ", sequence,
                                       ", read frame ", frame.sequence()));
          }
          const absl::Status content = ExpectPattern(
              frame.span(), sequence, absl::StrCat("frame ", sequence));
          if (!content.ok()) return content;
          state.sequences.push_back(sequence);
          state.Remember(frame);
          state.held = std::move(frame);
          return absl::OkStatus();
        });

ZB_STEP(kThen,
        "the '([^']*)' process should verify all frames maintain sequential "
        "order",
        [](StepContext& context, const std::string&) -> absl::Status {
          const std::vector<uint64_t>& read =
              context.State<ReadState>().sequences;
          if (read.empty()) return Failed("no frames have been read");
          for (size_t i = 1; i < read.size(); ++i) {
            if (read[i] != read[i - 1] + 1) {
              return Failed(absl::StrCat("frames out of order: ",
                                         absl::StrJoin(read, ", ")));
            }
          }
          return absl::OkStatus();
        });

ZB_STEP(kWhen, "the '([^']*)' process writes frames until buffer is full",
        [](StepContext& context, const std::string&) -> absl::Status {
          Writer& writer = context.State<Endpoints>().writer();
          int written = 0;
          while (written < kMaxFramesUntilFull &&
                 TryWrite(writer,
                          MakePattern(kDefaultFrameSize,
                                      writer.frames_written() + 1),
                          kFullTimeout)) {
            ++written;
          }
          if (written == 0) return Failed("not even one frame fit");
          if (written == kMaxFramesUntilFull) {
            return Failed(absl::StrCat("the buffer took ", written,
                                       " frames without filling up"));
          }
          context.State<WriteState>().frames_until_full = written;
          context.log().Info(
              absl::StrCat("Buffer full after ", written, " frames"));
          return absl::OkStatus();
        });

ZB_STEP(kThen, "the '([^']*)' process should experience timeout on next write",
        [](StepContext& context, const std::string&) -> absl::Status {
          Writer& writer = context.State<Endpoints>().writer();
          if (TryWrite(
                  writer,
                  MakePattern(kDefaultFrameSize, writer.frames_written() + 1),
                  kFullTimeout)) {
            return Failed(absl::StrCat("a ", kDefaultFrameSize,
                                       "-byte write succeeded; the buffer "
                                       "was not full"));
          }
          return absl::OkStatus();
        });

ZB_STEP(kWhen, "the '([^']*)' process reads one frame",
        [](StepContext& context, const std::string&) -> absl::Status {
          ReadState& state = context.State<ReadState>();
          Frame frame = ReadNextFrame(context);
          state.Remember(frame);
          state.held = std::move(frame);
          return absl::OkStatus();
        });

ZB_STEP(kThen, "the '([^']*)' process should write successfully immediately",
        [](StepContext& context, const std::string&) -> absl::Status {
          Writer& writer = context.State<Endpoints>().writer();
          if (!TryWrite(
                  writer,
                  MakePattern(kDefaultFrameSize, writer.frames_written() + 1),
                  milliseconds(1000))) {
            return Failed(absl::StrCat("no room for a ", kDefaultFrameSize,
                                       "-byte frame within 1000 ms"));
          }
          return absl::OkStatus();
        });

ZB_STEP(kWhen,
        "the '([^']*)' process requests zero-copy frame of size '(\\d+)'",
        [](StepContext& context, const std::string&,
           uint64_t size) -> absl::Status {
          context.State<WriteState>().zero_copy_size = size;
          return absl::OkStatus();
        });

ZB_STEP(kWhen, "the '([^']*)' process fills zero-copy buffer with test pattern",
        [](StepContext& context, const std::string&) -> absl::Status {
          WriteState& state = context.State<WriteState>();
          if (state.zero_copy_size == 0) {
            return Failed("no zero-copy frame size was requested");
          }
          // get_frame_buffer sets `sequence`; it must run before the
          // pattern reads it.
          uint64_t sequence = 0;
          const std::span<std::byte> buffer =
              context.State<Endpoints>().writer().get_frame_buffer(
                  state.zero_copy_size, sequence);
          FillPattern(buffer, sequence);
          state.zero_copy_reserved = true;
          return absl::OkStatus();
        });

ZB_STEP(kWhen, "the '([^']*)' process commits zero-copy frame",
        [](StepContext& context, const std::string&) -> absl::Status {
          WriteState& state = context.State<WriteState>();
          if (!state.zero_copy_reserved) {
            return Failed("no zero-copy buffer was filled");
          }
          context.State<Endpoints>().writer().commit_frame();
          state.zero_copy_reserved = false;
          return absl::OkStatus();
        });

ZB_STEP(kThen, "the '([^']*)' process should read frame with size '(\\d+)'",
        [](StepContext& context, const std::string&,
           uint64_t size) -> absl::Status {
          ReadState& state = context.State<ReadState>();
          Frame frame = ReadNextFrame(context);
          if (frame.size() != size) {
            return Failed(absl::StrCat(
                "expected a frame of ", size, " bytes, read ", frame.size(),
                " bytes (frame ", frame.sequence(), ")"));
          }
          state.Remember(frame);
          return absl::OkStatus();
        });

ZB_STEP(kThen,
        "the '([^']*)' process should verify frame data matches test pattern",
        [](StepContext& context, const std::string&) -> absl::Status {
          const ReadState& state = context.State<ReadState>();
          if (state.last_payload.empty()) {
            return Failed("no frame has been read to verify");
          }
          return ExpectPattern(state.last_payload, state.last_sequence,
                               absl::StrCat("frame ", state.last_sequence));
        });

ZB_STEP(kThen,
        "the '([^']*)' process should read (\\d+) frames with sizes '([^']*)' "
        "in order",
        [](StepContext& context, const std::string&, uint64_t count,
           const std::string& size_list) -> absl::Status {
          std::vector<uint64_t> sizes;
          for (const std::string& item :
               std::vector<std::string>(absl::StrSplit(size_list, ','))) {
            uint64_t size = 0;
            if (!absl::SimpleAtoi(item, &size)) {
              return absl::InvalidArgumentError(
                  absl::StrCat("'", item, "' is not a frame size"));
            }
            sizes.push_back(size);
          }
          if (sizes.size() != count) {
            return absl::InvalidArgumentError(
                absl::StrCat("the sentence names ", count, " frames but lists ",
                             sizes.size(), " sizes"));
          }
          for (size_t i = 0; i < sizes.size(); ++i) {
            Frame frame = ReadNextFrame(context);
            if (frame.size() != sizes[i]) {
              return Failed(absl::StrCat("frame ", i + 1, " has ", frame.size(),
                                         " bytes, expected ", sizes[i]));
            }
            const absl::Status content =
                ExpectPattern(frame.span(), 0, absl::StrCat("frame ", i + 1));
            if (!content.ok()) return content;
          }
          return absl::OkStatus();
        });

ZB_STEP(kWhen,
        "the '([^']*)' process writes '(\\d+)' frames of size '(\\d+)' as fast "
        "as possible",
        [](StepContext& context, const std::string&, uint64_t count,
           uint64_t size) -> absl::Status {
          Endpoints& endpoints = context.State<Endpoints>();
          Writer* writer = &endpoints.writer();
          StepLog* log = &context.log();
          // The reader's steps must run while this writes, so the writing
          // happens in the background; the writer leaves when done, which
          // is how a reader in another process learns the stream ended.
          context.tasks().Start(
              kWriterTask,
              [writer, log, count, size,
               &endpoints](std::stop_token stop) -> absl::Status {
                std::vector<std::byte> frame(size);
                for (uint64_t sequence = 1; sequence <= count; ++sequence) {
                  FillPattern(frame, sequence);
                  // Short slices, so that a stop request (the scenario
                  // ending, stdin closing) is seen at once even when nobody
                  // reads.
                  if (stop.stop_requested() ||
                      !WriteWhenRoom(
                          *writer, frame, stop,
                          absl::Now() + absl::FromChrono(kDefaultWriteTimeout),
                          nullptr, absl::FromChrono(kStopCheckInterval))) {
                    if (stop.stop_requested()) {
                      return absl::CancelledError(absl::StrCat(
                          "writer stopped after ", sequence - 1, " frames"));
                    }
                    return absl::DeadlineExceededError(absl::StrCat(
                        "frame ", sequence, " found no room within ",
                        kDefaultWriteTimeout.count(), " ms"));
                  }
                }
                log->Info(absl::StrCat("Wrote ", count, " frames of ", size,
                                       " bytes"));
                endpoints.DropWriter();
                return absl::OkStatus();
              });
          return absl::OkStatus();
        });

ZB_STEP(
    kWhen,
    "the '([^']*)' process reads frames with '(\\d+)' ms delay between each "
    "read",
    [](StepContext& context, const std::string&,
       uint64_t delay_ms) -> absl::Status {
      ReadState& state = context.State<ReadState>();
      Reader& reader = context.State<Endpoints>().reader();
      // Stop well inside the step limit, with what was read so far.
      const auto give_up =
          std::chrono::steady_clock::now() +
          absl::ToChronoNanoseconds(context.step_time_limit() * 0.8);
      int empty_reads = 0;
      while (std::chrono::steady_clock::now() < give_up) {
        Frame frame;
        try {
          frame = reader.read_frame(milliseconds(1000));
        } catch (const WriterDeadException&) {
          break;  // the writer finished and left: the stream is complete
        } catch (const SequenceError& error) {
          state.sequence_error = error.what();
          break;
        }
        if (!frame.valid()) {
          // Three quiet seconds with the writer gone mean the end.
          if (++empty_reads >= 3 && !reader.is_writer_connected()) break;
          continue;
        }
        empty_reads = 0;
        state.sequences.push_back(frame.sequence());
        frame.release();
        std::this_thread::sleep_for(milliseconds(delay_ms));
      }
      context.log().Info(
          absl::StrCat("Read ", state.sequences.size(), " frames"));
      return absl::OkStatus();
    });

ZB_STEP(kThen, "the '([^']*)' process should have read '(\\d+)' frames",
        [](StepContext& context, const std::string&,
           uint64_t expected) -> absl::Status {
          const size_t read = context.State<ReadState>().sequences.size();
          if (read != expected) {
            return Failed(
                absl::StrCat("read ", read, " frames, expected ", expected));
          }
          return absl::OkStatus();
        });

ZB_STEP(kThen,
        "the '([^']*)' process should verify all frames have sequential "
        "sequence numbers starting from '(\\d+)'",
        [](StepContext& context, const std::string&,
           uint64_t first) -> absl::Status {
          const std::vector<uint64_t>& read =
              context.State<ReadState>().sequences;
          if (read.empty()) return Failed("no frames have been read");
          for (size_t i = 0; i < read.size(); ++i) {
            if (read[i] != first + i) {
              return Failed(absl::StrCat("frame ", i + 1, " has sequence ",
                                         read[i], ", expected ", first + i));
            }
          }
          return absl::OkStatus();
        });

ZB_STEP(kThen, "no sequence errors should have occurred",
        [](StepContext& context) -> absl::Status {
          const std::optional<std::string>& error =
              context.State<ReadState>().sequence_error;
          if (error.has_value()) return Failed(*error);
          return absl::OkStatus();
        });

}  // namespace
}  // namespace zerobuffer::steps

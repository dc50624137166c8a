// Steps of feature 09 (performance monitoring): waiting on a semaphore
// must cost next to no CPU, and moving data must cost CPU in proportion to
// the bytes moved. Sentences and semantics: step-catalog section 3.
//
// Every step after the connect is routed to the writer process, and the
// reader process receives no further step, so it never reads. The idle
// measurement therefore blocks the writer on the scenario's ring, filled
// up, together with a reader blocked on an empty loopback buffer in the
// same process; the active transfer runs through that loopback buffer, a
// writer thread feeding a reader thread that checks every byte.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "platform/process.h"
#include "steps/context.h"
#include "steps/registry.h"
#include "steps/step_failure.h"
#include "steps/support/endpoints.h"
#include "steps/support/scoped_write_timeout.h"
#include "steps/system/pattern_window.h"
#include "steps/system/process_usage.h"
#include "steps/system/verifying_drain.h"
#include "zerobuffer/zerobuffer.h"

namespace zerobuffer::steps {
namespace {

using std::chrono::milliseconds;

constexpr char kLoopbackBuffer[] = "cpu-usage-loopback";
const BufferConfig kLoopbackConfig(0, 8 << 20);
constexpr size_t kFillFrameSize = 1 << 20;
constexpr size_t kTransferFrameSize = 256 << 10;
// Long enough that a reader waking every 100 ms to check its peer (the
// liveness interval) shows as the little it costs, not as noise.
constexpr milliseconds kIdleInterval{1500};
constexpr milliseconds kActiveInterval{1500};
// "Near zero": the waits wake every 100 ms to check the peer's liveness,
// which costs microseconds; 5 % of a core leaves room for a loaded host.
constexpr double kIdleShareLimit = 0.05;
// Each byte is copied into the ring once and compared once; a gigabyte
// per CPU-second is typical, so 50 MB is a floor no sane copy path misses.
constexpr double kMinBytesPerCpuSecond = 50e6;
constexpr milliseconds kJoinTimeout{10000};

struct CpuMonitorState {
  // Shared by the writing threads; sized before any of them starts.
  PatternWindow pattern;
  std::unique_ptr<Reader> loopback_reader;
  std::unique_ptr<Writer> loopback_writer;

  std::optional<Usage> idle;
  absl::Duration writer_blocked;
  absl::Duration reader_blocked;

  std::optional<UsageSample> transfer_start;
  std::shared_ptr<DrainTally> drained;
  std::atomic<uint64_t> frames_sent{0};
  std::optional<Usage> active;
  DrainCounts active_counts;
  uint64_t active_frames_sent = 0;
};

// Writes until a frame no longer fits within a short wait; how many fit.
int FillRing(Writer& writer, const PatternWindow& pattern) {
  const ScopedWriteTimeout timeout(writer, absl::Milliseconds(50));
  int written = 0;
  try {
    while (true) {
      writer.write_frame(pattern.Slice(kFillFrameSize, written + 1));
      ++written;
    }
  } catch (const BufferFullException&) {
  }
  return written;
}

absl::Status JoinTask(StepContext& context, const std::string& name) {
  BackgroundTask* task = context.tasks().Find(name);
  if (task == nullptr) return Failed(absl::StrCat("no task '", name, "'"));
  std::optional<absl::Status> result =
      task->WaitFor(absl::FromChrono(kJoinTimeout));
  if (!result.has_value()) {
    return Failed(absl::StrCat("'", name, "' still runs after ",
                               kJoinTimeout.count(), " ms"));
  }
  return *result;
}

ZB_STEP(
    kThen, "monitor CPU usage during idle \\(blocked on semaphore\\)",
    [](StepContext& context) -> absl::Status {
      CpuMonitorState& state = context.State<CpuMonitorState>();
      Writer& writer = context.State<Endpoints>().writer();
      state.pattern.Reserve(std::max(kFillFrameSize, kTransferFrameSize));
      const int filled = FillRing(writer, state.pattern);
      const std::string loopback = context.PhysicalName(kLoopbackBuffer);
      state.loopback_reader =
          std::make_unique<Reader>(loopback, kLoopbackConfig);
      state.loopback_writer = std::make_unique<Writer>(loopback);

      Reader* reader = state.loopback_reader.get();
      const UsageSample start = SampleUsage(platform::CurrentProcessId());
      // The scenario's reader never reads: this write waits on sem-r for
      // its whole timeout.
      context.tasks().Start(
          "blocked writer", [&writer, &state](std::stop_token) -> absl::Status {
            const ScopedWriteTimeout timeout(writer,
                                             absl::FromChrono(kIdleInterval));
            const auto begin = std::chrono::steady_clock::now();
            try {
              writer.write_frame(state.pattern.Slice(kFillFrameSize, 0));
            } catch (const BufferFullException&) {
              state.writer_blocked =
                  absl::FromChrono(std::chrono::steady_clock::now() - begin);
              return absl::OkStatus();
            }
            const OIEB oieb = writer.oieb_snapshot();
            return Failed(absl::StrCat(
                "the write of ", kFillFrameSize,
                " bytes into the full ring went through (",
                oieb.payload_free_bytes, " of ", oieb.payload_size,
                " bytes free after it, ",
                oieb.payload_written_count - oieb.payload_read_count,
                " frames unread)"));
          });
      // Nobody writes the loopback buffer yet: this read waits on sem-w.
      context.tasks().Start(
          "blocked reader", [reader, &state](std::stop_token) -> absl::Status {
            const auto begin = std::chrono::steady_clock::now();
            Frame frame = reader->read_frame(kIdleInterval);
            state.reader_blocked =
                absl::FromChrono(std::chrono::steady_clock::now() - begin);
            if (frame.valid()) return Failed("a frame came from nowhere");
            return absl::OkStatus();
          });
      for (const char* task : {"blocked writer", "blocked reader"}) {
        if (absl::Status joined = JoinTask(context, task); !joined.ok()) {
          return joined;
        }
      }
      state.idle =
          UsageBetween(start, SampleUsage(platform::CurrentProcessId()));
      context.log().Info(absl::StrCat(
          "Idle: ", state.idle->Describe(), " while a writer waited ",
          absl::FormatDuration(state.writer_blocked), " on a ring full after ",
          filled, " frames of ", kFillFrameSize, " bytes and a reader waited ",
          absl::FormatDuration(state.reader_blocked), " on an empty ring"));
      return absl::OkStatus();
    });

ZB_STEP(kThen, "verify near-zero CPU when waiting",
        [](StepContext& context) -> absl::Status {
          const CpuMonitorState& state = context.State<CpuMonitorState>();
          if (!state.idle.has_value()) {
            return Failed("no idle period has been monitored");
          }
          // Waits that returned early would measure nothing.
          const absl::Duration least = absl::FromChrono(kIdleInterval) * 0.9;
          if (state.writer_blocked < least || state.reader_blocked < least) {
            return Failed(absl::StrCat(
                "the waits did not block: the writer waited ",
                absl::FormatDuration(state.writer_blocked), ", the reader ",
                absl::FormatDuration(state.reader_blocked), " of ",
                kIdleInterval.count(), " ms"));
          }
          if (state.idle->share() > kIdleShareLimit) {
            return Failed(
                absl::StrFormat("waiting cost %s, over %.0f %% of a core",
                                state.idle->Describe(), 100 * kIdleShareLimit));
          }
          return absl::OkStatus();
        });

ZB_STEP(kWhen, "transfer data actively",
        [](StepContext& context) -> absl::Status {
          CpuMonitorState& state = context.State<CpuMonitorState>();
          if (state.loopback_reader == nullptr) {
            return Failed("no loopback buffer: the idle step sets it up");
          }
          state.transfer_start = SampleUsage(platform::CurrentProcessId());
          state.drained = StartVerifyingDrain(context, "loopback reader",
                                              *state.loopback_reader);
          Writer* writer = state.loopback_writer.get();
          const PatternWindow* pattern = &state.pattern;
          std::atomic<uint64_t>* sent = &state.frames_sent;
          context.tasks().Start(
              "loopback writer",
              [writer, pattern, sent](std::stop_token stop) -> absl::Status {
                const auto end =
                    std::chrono::steady_clock::now() + kActiveInterval;
                while (!stop.stop_requested() &&
                       std::chrono::steady_clock::now() < end) {
                  writer->write_frame(pattern->Slice(
                      kTransferFrameSize, writer->frames_written() + 1));
                  sent->fetch_add(1);
                }
                // Leaving tells the reader the stream is complete.
                writer->close();
                return absl::OkStatus();
              });
          context.log().Info(absl::StrCat(
              "Moving ", kTransferFrameSize, "-byte frames through '",
              state.loopback_reader->name(), "' for ", kActiveInterval.count(),
              " ms"));
          return absl::OkStatus();
        });

ZB_STEP(kThen, "monitor CPU during active transfer",
        [](StepContext& context) -> absl::Status {
          CpuMonitorState& state = context.State<CpuMonitorState>();
          if (!state.transfer_start.has_value()) {
            return Failed("no transfer has been started");
          }
          for (const char* task : {"loopback writer", "loopback reader"}) {
            if (absl::Status joined = JoinTask(context, task); !joined.ok()) {
              return joined;
            }
          }
          state.active = UsageBetween(
              *state.transfer_start, SampleUsage(platform::CurrentProcessId()));
          state.active_counts = state.drained->Get();
          state.active_frames_sent = state.frames_sent.load();
          context.log().Info(absl::StrFormat(
              "Active: %s moving %d frames (%d bytes, %.1f MB/s)",
              state.active->Describe(), state.active_counts.frames,
              state.active_counts.bytes,
              state.active_counts.bytes /
                  absl::ToDoubleSeconds(state.active->wall) / 1e6));
          return absl::OkStatus();
        });

ZB_STEP(kThen, "verify efficient data copying",
        [](StepContext& context) -> absl::Status {
          const CpuMonitorState& state = context.State<CpuMonitorState>();
          if (!state.active.has_value() || !state.idle.has_value()) {
            return Failed(
                "the idle and active periods were not both monitored");
          }
          const DrainCounts& counts = state.active_counts;
          if (counts.problem.has_value()) return Failed(*counts.problem);
          if (counts.frames == 0 || counts.frames != state.active_frames_sent) {
            return Failed(absl::StrCat("the reader checked ", counts.frames,
                                       " frames of ", state.active_frames_sent,
                                       " sent"));
          }
          if (state.active->cpu <= state.idle->cpu) {
            return Failed(absl::StrCat(
                "moving data cost no more than waiting (",
                state.active->Describe(), " against ", state.idle->Describe(),
                "): the CPU readings do not see the work"));
          }
          const double bytes_per_cpu_second =
              counts.bytes / absl::ToDoubleSeconds(state.active->cpu);
          if (bytes_per_cpu_second < kMinBytesPerCpuSecond) {
            return Failed(absl::StrFormat(
                "%.1f MB moved per CPU-second; at least %.0f expected",
                bytes_per_cpu_second / 1e6, kMinBytesPerCpuSecond / 1e6));
          }
          context.log().Info(
              absl::StrFormat("%.1f MB moved and checked per CPU-second",
                              bytes_per_cpu_second / 1e6));
          return absl::OkStatus();
        });

}  // namespace
}  // namespace zerobuffer::steps

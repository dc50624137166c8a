// Steps of feature 14 (benchmarks): one-way latency per frame size (14.1),
// throughput per frame size (14.2) and how full the ring gets, and how
// fast it recovers, when the writer outpaces the reader (14.6). Sentences
// and semantics: step-catalog sections 3 and 4.
//
// Every measuring step is routed to the writer process. 14.2 creates its
// buffer with a step of its own, which also starts the reading side in the
// reader process. 14.1 and 14.6 create theirs with the shared step, after
// which the reader process receives nothing; they measure against the
// peer service the background step started in that process
// (benchmark_peer.h). Sizes and durations run scaled (steps/support/
// scale.h). The bounds asserted are generous sanity limits, not
// performance claims: those belong to the benchmarks proper.

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <thread>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "platform/process.h"
#include "steps/context.h"
#include "steps/registry.h"
#include "steps/step_failure.h"
#include "steps/support/endpoints.h"
#include "steps/support/scale.h"
#include "steps/support/step_tables.h"
#include "steps/system/benchmark_peer.h"
#include "steps/system/pattern_window.h"
#include "steps/system/process_usage.h"
#include "steps/system/step_budget.h"
#include "steps/system/verifying_drain.h"
#include "zerobuffer/zerobuffer.h"

namespace zerobuffer::steps {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

ZB_STEP(kGiven, "benchmark environment is prepared",
        [](StepContext& context) -> absl::Status {
          context.Reset();
          StartPeerService(context);
          return absl::OkStatus();
        });

// The tables of 14.1 and 14.2 as the feature file writes them.

// clang-format off
const StepTable kLatencyTable = {
    {"size", "iterations", "expected"},
    {"1KB", "10000", "sub-millisecond"},
    {"64KB", "10000", "sub-millisecond"},
    {"1MB", "10000", "low milliseconds"},
    {"10MB", "10000", "low milliseconds"},
};
// clang-format on

const StepTable kThroughputTable = {
    {"size", "metric"},
    {"1KB", "frames/sec, MB/sec"},
    {"64KB", "frames/sec, MB/sec"},
    {"1MB", "frames/sec, MB/sec"},
    {"10MB", "frames/sec, MB/sec"},
};

// "1KB", "64KB", "1MB", "10MB", "512B", "4096": binary units, as the
// feature files write 10 MB as 10485760 bytes elsewhere (7.4).
size_t ParseSize(const std::string& text) {
  const std::string upper = absl::AsciiStrToUpper(text);
  uint64_t unit = 1;
  std::string digits = upper;
  for (const auto& [suffix, multiplier] :
       {std::pair{"KB", uint64_t{1} << 10}, std::pair{"MB", uint64_t{1} << 20},
        std::pair{"GB", uint64_t{1} << 30}, std::pair{"B", uint64_t{1}}}) {
    if (absl::EndsWith(upper, suffix)) {
      unit = multiplier;
      digits = upper.substr(0, upper.size() - std::strlen(suffix));
      break;
    }
  }
  uint64_t count = 0;
  if (!absl::SimpleAtoi(digits, &count) || count == 0 ||
      count > std::numeric_limits<uint64_t>::max() / unit) {
    throw StepFailure(absl::StrCat("'", text, "' is not a frame size"));
  }
  return count * unit;
}

std::string MegabytesPerSecond(double bytes, absl::Duration wall) {
  return absl::StrFormat("%.1f MB/s",
                         bytes / absl::ToDoubleSeconds(wall) / 1e6);
}

// 14.1: latency

constexpr double kLatencyFraction = 0.02;  // 10,000 -> 200 per size
constexpr int kWarmUpProbes = 3;
constexpr milliseconds kAckTimeout{5000};

struct LatencyStats {
  std::string size_label;
  uint64_t samples = 0;
  absl::Duration min, max, mean, p50, p90, p99, p999;
  absl::Duration round_trip_p50, round_trip_p99;
};

// The nearest-rank percentile of sorted `values`.
absl::Duration Percentile(const std::vector<absl::Duration>& sorted,
                          double percent) {
  const size_t rank = static_cast<size_t>(
      std::ceil(percent / 100 * static_cast<double>(sorted.size())));
  return sorted[std::clamp<size_t>(rank, 1, sorted.size()) - 1];
}

LatencyStats Summarize(std::vector<absl::Duration> one_way,
                       std::vector<absl::Duration> round_trip) {
  std::sort(one_way.begin(), one_way.end());
  std::sort(round_trip.begin(), round_trip.end());
  LatencyStats stats;
  stats.samples = one_way.size();
  stats.min = one_way.front();
  stats.max = one_way.back();
  absl::Duration total;
  for (const absl::Duration& value : one_way) total += value;
  stats.mean = total / static_cast<int64_t>(one_way.size());
  stats.p50 = Percentile(one_way, 50);
  stats.p90 = Percentile(one_way, 90);
  stats.p99 = Percentile(one_way, 99);
  stats.p999 = Percentile(one_way, 99.9);
  stats.round_trip_p50 = Percentile(round_trip, 50);
  stats.round_trip_p99 = Percentile(round_trip, 99);
  return stats;
}

std::string Micros(absl::Duration duration) {
  return absl::StrFormat("%.1f", absl::ToDoubleMicroseconds(duration));
}

std::string DescribeStats(const LatencyStats& stats) {
  return absl::StrCat(stats.size_label, " (", stats.samples,
                      " frames) one-way us: min ", Micros(stats.min), " max ",
                      Micros(stats.max), " mean ", Micros(stats.mean), " p50 ",
                      Micros(stats.p50), " p90 ", Micros(stats.p90), " p99 ",
                      Micros(stats.p99), " p99.9 ", Micros(stats.p999),
                      "; round trip p50 ", Micros(stats.round_trip_p50),
                      " p99 ", Micros(stats.round_trip_p99));
}

// The table's expectations as bounds on p99, generous enough for a loaded
// machine and sanitizer builds.
absl::Duration P99Bound(const std::string& expected) {
  if (expected == "sub-millisecond") return absl::Milliseconds(50);
  if (expected == "low milliseconds") return absl::Milliseconds(500);
  throw StepFailure(
      absl::StrCat("no bound is known for the expectation '", expected, "'"));
}

struct LatencyState {
  std::vector<LatencyStats> results;
};

// One row of the latency table, scaled.
struct LatencyPlan {
  std::string label;
  size_t size = 0;
  uint64_t iterations = 0;
  absl::Duration p99_bound;
};

std::vector<LatencyPlan> PlanLatency(StepContext& context) {
  std::vector<LatencyPlan> plan;
  for (const auto& row : TableRows(TableOrWritten(context, kLatencyTable),
                                   {"size", "iterations", "expected"})) {
    const std::string& label = row.at("size");
    uint64_t iterations = 0;
    if (!absl::SimpleAtoi(row.at("iterations"), &iterations) ||
        iterations == 0) {
      throw StepFailure(
          absl::StrCat("'", row.at("iterations"), "' is not a count"));
    }
    const size_t size = ParseSize(label);
    if (size < kProbeHeaderSize || size > kMaxProbeSize) {
      throw StepFailure(absl::StrCat(label, " is outside the ",
                                     kProbeHeaderSize, "..", kMaxProbeSize,
                                     " bytes a probe may have"));
    }
    plan.push_back({label, size,
                    ScaledCount(context, iterations, kLatencyFraction, 10,
                                absl::StrCat("frames of ", label)),
                    P99Bound(row.at("expected"))});
  }
  return plan;
}

// Sends the row's frames one at a time, each after the previous one's ack:
// one-way latency is the peer's arrival time minus the time the write
// began, round trip the time the ack was back.
absl::StatusOr<LatencyStats> MeasureLatency(PeerSession& session,
                                            const LatencyPlan& row,
                                            Clock::time_point deadline) {
  std::vector<absl::Duration> one_way, round_trip;
  for (uint64_t i = 0; i < kWarmUpProbes + row.iterations; ++i) {
    if (Clock::now() > deadline) {
      return Failed(absl::StrCat(
          "the step time limit ran out at ", row.label, " frame ", i, " of ",
          row.iterations,
          "; lower ZEROBUFFER_STEP_SCALE or raise serve's --step_timeout"));
    }
    const SentProbe sent = session.Send(row.size);
    const std::optional<ProbeAck> ack = session.NextAck(kAckTimeout);
    const int64_t answered_ns = SteadyNowNs();
    if (!ack.has_value()) {
      return Failed(absl::StrCat("no ack for ", row.label, " frame ",
                                 sent.sequence, " within ", kAckTimeout.count(),
                                 " ms"));
    }
    if (ack->sequence != sent.sequence || !ack->intact) {
      return Failed(absl::StrCat(row.label, " frame ", sent.sequence,
                                 " was acknowledged as ", ack->sequence,
                                 ack->intact ? "" : ", damaged"));
    }
    if (ack->received_ns < sent.sent_ns) {
      return Failed(absl::StrCat(
          "the peer received ", row.label, " frame ", sent.sequence, " ",
          sent.sent_ns - ack->received_ns,
          " ns before it was sent: the processes do not share a monotonic "
          "clock"));
    }
    if (i < kWarmUpProbes) continue;  // first touches of the ring's pages
    one_way.push_back(absl::Nanoseconds(ack->received_ns - sent.sent_ns));
    round_trip.push_back(absl::Nanoseconds(answered_ns - sent.sent_ns));
  }
  LatencyStats stats = Summarize(one_way, round_trip);
  stats.size_label = row.label;
  return stats;
}

ZB_STEP(kThen, "measure latency for frame sizes:",
        [](StepContext& context) -> absl::Status {
          const std::vector<LatencyPlan> plan = PlanLatency(context);
          LatencyState& state = context.State<LatencyState>();
          state.results.clear();
          PeerSession session(context);
          const auto deadline = LoopDeadline(context);
          std::vector<std::string> too_slow;
          for (const LatencyPlan& row : plan) {
            absl::StatusOr<LatencyStats> stats =
                MeasureLatency(session, row, deadline);
            if (!stats.ok()) return stats.status();
            context.log().Info(DescribeStats(*stats));
            if (stats->p99 > row.p99_bound) {
              too_slow.push_back(absl::StrCat(
                  row.label, " p99 ", absl::FormatDuration(stats->p99),
                  " over ", absl::FormatDuration(row.p99_bound)));
            }
            state.results.push_back(*stats);
          }
          session.Finish();
          if (!too_slow.empty()) {
            return Failed(absl::StrCat("latency beyond sanity bounds: ",
                                       absl::StrJoin(too_slow, "; ")));
          }
          return absl::OkStatus();
        });

ZB_STEP(kThen, "report Min, Max, Mean, P50, P90, P99, P99\\.9",
        [](StepContext& context) -> absl::Status {
          const LatencyState& state = context.State<LatencyState>();
          if (state.results.empty()) return Failed("no latency was measured");
          for (const LatencyStats& stats : state.results) {
            const std::vector<absl::Duration> ordered = {stats.min,  stats.p50,
                                                         stats.p90,  stats.p99,
                                                         stats.p999, stats.max};
            if (stats.samples == 0 || stats.min < absl::ZeroDuration() ||
                !std::is_sorted(ordered.begin(), ordered.end()) ||
                stats.mean < stats.min || stats.mean > stats.max) {
              return Failed(absl::StrCat("inconsistent statistics: ",
                                         DescribeStats(stats)));
            }
            context.log().Info(absl::StrCat(
                stats.size_label, ": Min ", Micros(stats.min), " us, Max ",
                Micros(stats.max), " us, Mean ", Micros(stats.mean),
                " us, P50 ", Micros(stats.p50), " us, P90 ", Micros(stats.p90),
                " us, P99 ", Micros(stats.p99), " us, P99.9 ",
                Micros(stats.p999), " us"));
          }
          return absl::OkStatus();
        });

// 14.2: throughput

// "Large": room for a dozen of the 10 MB frames 14.2 sends, and over the
// 100 MB the upstream scenario notes ask for.
const BufferConfig kLargeConfig(1024, 128 << 20);
constexpr double kThroughputFraction = 0.025;  // 60 s -> 1.5 s per size
constexpr milliseconds kCatchUpTimeout{10000};
// The memory-bandwidth reference for a frame size: memcpy of frames of
// that size from the writer's pattern into a region larger than the caches,
// one after another as into a ring; the median of a few rounds.
constexpr size_t kReferenceRegionBytes = 64 << 20;
constexpr int kReferenceRounds = 5;
// "Saturating memory bandwidth" is judged on frames this large, where the
// per-frame costs (header, semaphores, acknowledgement) are amortised and
// the copy is what remains.
constexpr size_t kSaturationMinFrame = 1 << 20;
// The share of the reference the best of those sizes must reach end to end: a
// floor against gross inefficiency, not a performance claim. The pipeline does
// the reference's copy once (the writer) and a read-only check (the reader, in
// another process on another core, in parallel), so an idle machine reaches
// 80-95 % of the reference, and one running a second scenario beside it 30-60 %
// (a single size dipped to 18 %, hence the best size is judged). 5 % stays well
// below that and still fails a path twenty times slower than the copy: per-byte
// work heavier than a plain loop (a call or an atomic per byte), a stall per
// small slice of a frame. It cannot catch an extra pass over the data (70-95 %
// of one copy, measured here) or a plain byte loop (15-20 % of memcpy on a
// loaded two-core machine): no floor tells those from a busy neighbour, so they
// are for the logged shares and the throughput benchmark.
constexpr double kMinBandwidthShare = 0.05;

ZB_STEP(kGiven,
        "the '([^']*)' process creates buffer '([^']*)' with large config",
        [](StepContext& context, const std::string&,
           const std::string& buffer) -> absl::Status {
          const std::string name = context.PhysicalName(buffer);
          Reader& reader =
              context.State<Endpoints>().CreateReader(name, kLargeConfig);
          // No step of this process follows, so reading starts now: every
          // frame is checked against its pattern and released.
          StartVerifyingDrain(context, "throughput reader", reader);
          context.log().Info(absl::StrCat(
              "Created buffer ", name, " with the large config (metadata ",
              kLargeConfig.metadata_size, ", payload ",
              kLargeConfig.payload_size, ") and started reading it"));
          return absl::OkStatus();
        });

struct ThroughputResult {
  std::string label;
  size_t frame_size = 0;
  uint64_t frames = 0;
  uint64_t bytes = 0;
  absl::Duration wall;
  Usage writer_usage;
  Usage reader_usage;
  // memcpy of frames of this size on this machine, measured in the same
  // step just before, in bytes per second.
  double reference_bandwidth = 0;

  double bandwidth() const { return bytes / absl::ToDoubleSeconds(wall); }
  double share() const { return bandwidth() / reference_bandwidth; }
};

struct ThroughputState {
  std::vector<ThroughputResult> results;
};

// The bandwidth of memcpy copying `size`-byte frames of `pattern` one after
// another into `region` (wrapping at its end), in bytes per second: the
// writer's copy without the ring around it.
double MemcpyBandwidth(const PatternWindow& pattern, size_t size,
                       std::vector<std::byte>& region) {
  const std::span<const std::byte> frame = pattern.Slice(size, 1);
  const size_t slots = region.size() / size;
  const size_t copies = std::max<size_t>(slots, 4);
  std::vector<double> rounds;
  for (int round = 0; round < kReferenceRounds; ++round) {
    const auto start = Clock::now();
    for (size_t copy = 0; copy < copies; ++copy) {
      std::memcpy(region.data() + (copy % slots) * size, frame.data(), size);
    }
    const double seconds =
        std::chrono::duration<double>(Clock::now() - start).count();
    rounds.push_back(static_cast<double>(copies * size) / seconds);
  }
  std::sort(rounds.begin(), rounds.end());
  return rounds[rounds.size() / 2];
}

// Waits until the reader has taken every frame written; false on timeout.
bool AwaitReaderCaughtUp(Writer& writer) {
  const auto give_up = Clock::now() + kCatchUpTimeout;
  while (true) {
    const OIEB oieb = writer.oieb_snapshot();
    if (oieb.payload_read_count == oieb.payload_written_count) return true;
    if (Clock::now() > give_up) return false;
    std::this_thread::sleep_for(milliseconds(1));
  }
}

// Writes `size`-byte frames for `duration`, then waits for the reader to
// take them all; the throughput counts until it has.
absl::StatusOr<ThroughputResult> MeasureThroughput(Writer& writer,
                                                   const PatternWindow& pattern,
                                                   const std::string& label,
                                                   size_t size,
                                                   absl::Duration duration) {
  const platform::ProcessId reader_pid = writer.oieb_snapshot().reader_pid;
  ThroughputResult result;
  result.label = label;
  result.frame_size = size;
  const UsageSample writer_start = SampleUsage(platform::CurrentProcessId());
  const UsageSample reader_start = SampleUsage(reader_pid);
  const auto end = Clock::now() + absl::ToChronoNanoseconds(duration);
  while (Clock::now() < end) {
    writer.write_frame(pattern.Slice(size, writer.frames_written() + 1));
    ++result.frames;
    result.bytes += size;
  }
  if (!AwaitReaderCaughtUp(writer)) {
    const OIEB oieb = writer.oieb_snapshot();
    return Failed(absl::StrCat(
        "the reader took ", oieb.payload_read_count, " of ",
        oieb.payload_written_count,
        " frames and stopped (it stops at the first frame that fails its "
        "check; see its log)"));
  }
  result.writer_usage =
      UsageBetween(writer_start, SampleUsage(platform::CurrentProcessId()));
  result.reader_usage = UsageBetween(reader_start, SampleUsage(reader_pid));
  result.wall = result.writer_usage.wall;
  return result;
}

ZB_STEP(kThen, "measure throughput for '(\\d+)' seconds with frame sizes:",
        [](StepContext& context, uint64_t seconds) -> absl::Status {
          if (seconds == 0 || seconds > 365 * 24 * 3600) {
            return Failed(absl::StrCat(seconds, " seconds is no duration"));
          }
          Writer& writer = context.State<Endpoints>().writer();
          const uint64_t ring = writer.oieb_snapshot().payload_size;
          std::vector<std::pair<std::string, size_t>> sizes;
          for (const auto& row :
               TableRows(TableOrWritten(context, kThroughputTable), {"size"})) {
            const std::string& label = row.at("size");
            const size_t size = ParseSize(label);
            if (size + kFrameHeaderSize > ring / 2) {
              return Failed(absl::StrCat(label,
                                         " frames do not fit twice in the ",
                                         ring, "-byte ring"));
            }
            sizes.emplace_back(label, size);
          }
          const absl::Duration per_size = ScaledDuration(
              context, absl::Seconds(seconds), kThroughputFraction,
              absl::Milliseconds(500), "of writing per frame size");
          // Half the budget: each size also waits for the reader to catch up.
          if (per_size * static_cast<int64_t>(sizes.size()) >
              StepBudget(context) / 2) {
            return Failed(absl::StrCat(
                sizes.size(), " sizes of ", absl::FormatDuration(per_size),
                " do not fit the step time limit; lower "
                "ZEROBUFFER_STEP_SCALE or raise serve's --step_timeout"));
          }
          PatternWindow pattern;
          // Touched once, so that the reference copies do not pay for page
          // faults the ring paid for long ago.
          std::vector<std::byte> region(kReferenceRegionBytes);
          ThroughputState& state = context.State<ThroughputState>();
          state.results.clear();
          for (const auto& [label, size] : sizes) {
            pattern.Reserve(size);
            if (size > region.size()) region.resize(size);
            const double reference = MemcpyBandwidth(pattern, size, region);
            absl::StatusOr<ThroughputResult> result =
                MeasureThroughput(writer, pattern, label, size, per_size);
            if (!result.ok()) return result.status();
            result->reference_bandwidth = reference;
            context.log().Info(absl::StrFormat(
                "%s: %d frames in %s, %.0f frames/s, %s; memcpy of %s frames "
                "%.1f MB/s",
                label, result->frames, absl::FormatDuration(result->wall),
                result->frames / absl::ToDoubleSeconds(result->wall),
                MegabytesPerSecond(result->bytes, result->wall), label,
                reference / 1e6));
            state.results.push_back(*result);
          }
          return absl::OkStatus();
        });

const ThroughputState& ThroughputOrFail(StepContext& context) {
  const ThroughputState& state = context.State<ThroughputState>();
  if (state.results.empty()) throw StepFailure("no throughput was measured");
  return state;
}

ZB_STEP(kThen, "report CPU usage percentage",
        [](StepContext& context) -> absl::Status {
          const ThroughputState& state = ThroughputOrFail(context);
          const double cores =
              std::max(1u, std::thread::hardware_concurrency());
          absl::Duration reader_cpu, writer_cpu;
          for (const ThroughputResult& result : state.results) {
            for (const Usage* usage :
                 {&result.writer_usage, &result.reader_usage}) {
              if (usage->cpu < absl::ZeroDuration() ||
                  usage->share() > cores + 0.05) {
                return Failed(absl::StrCat("implausible CPU reading at ",
                                           result.label, ": ",
                                           usage->Describe()));
              }
            }
            writer_cpu += result.writer_usage.cpu;
            reader_cpu += result.reader_usage.cpu;
            context.log().Info(
                absl::StrFormat("%s: writer %.1f %%, reader %.1f %% of a core",
                                result.label, 100 * result.writer_usage.share(),
                                100 * result.reader_usage.share()));
          }
          if (writer_cpu <= absl::ZeroDuration() ||
              reader_cpu <= absl::ZeroDuration()) {
            return Failed(
                absl::StrCat("the readings missed the work: writer ",
                             absl::FormatDuration(writer_cpu), ", reader ",
                             absl::FormatDuration(reader_cpu), " of CPU"));
          }
          return absl::OkStatus();
        });

ZB_STEP(kThen, "expect to saturate memory bandwidth",
        [](StepContext& context) -> absl::Status {
          const ThroughputState& state = ThroughputOrFail(context);
          std::vector<std::string> large;
          const ThroughputResult* best = nullptr;
          for (const ThroughputResult& result : state.results) {
            const std::string line = absl::StrFormat(
                "%s frames %.1f MB/s, %.1f %% of memcpy's %.1f MB/s",
                result.label, result.bandwidth() / 1e6, 100 * result.share(),
                result.reference_bandwidth / 1e6);
            context.log().Info(line);
            if (result.frame_size < kSaturationMinFrame) continue;
            large.push_back(line);
            if (best == nullptr || result.share() > best->share()) {
              best = &result;
            }
          }
          if (best == nullptr) {
            return Failed(absl::StrCat(
                "no frame size of at least ", kSaturationMinFrame,
                " bytes was measured, so bandwidth cannot be judged"));
          }
          if (best->share() < kMinBandwidthShare) {
            return Failed(absl::StrFormat(
                "no frame size of at least %d bytes reaches %.0f %% of the "
                "same-size memcpy end to end: %s",
                kSaturationMinFrame, 100 * kMinBandwidthShare,
                absl::StrJoin(large, "; ")));
          }
          context.log().Info(absl::StrFormat(
              "%s frames reach %.1f %% of memcpy's bandwidth (at least %.0f "
              "%% expected of the best size from %d bytes)",
              best->label, 100 * best->share(), 100 * kMinBandwidthShare,
              kSaturationMinFrame));
          return absl::OkStatus();
        });

// 14.6: utilisation under load
//
// The writer sends a frame every millisecond and the peer holds each for
// two before releasing it, so the ring fills at about 500 frames a second;
// after the load phase the writer stops and the peer drains the ring.

constexpr size_t kLoadFrameSize = 256 << 10;
constexpr absl::Duration kWriteInterval = absl::Milliseconds(1);
constexpr absl::Duration kReaderHold = absl::Milliseconds(2);
constexpr absl::Duration kLoadPhase = absl::Milliseconds(1500);
constexpr absl::Duration kSampleInterval = absl::Milliseconds(5);
constexpr absl::Duration kRecoveryTimeout = absl::Seconds(10);

struct UtilizationSample {
  absl::Duration at;  // since the load began
  double utilization;
};

struct UtilizationState {
  std::unique_ptr<PeerSession> session;
  std::vector<UtilizationSample> samples;
  absl::Duration load_end;
  uint64_t frames = 0;
  std::optional<double> threshold;
  std::optional<absl::Duration> degraded_at;
  std::optional<absl::Duration> recovered_at;
};

ZB_STEP(kGiven, "the '([^']*)' process is configured to be faster than reader",
        [](StepContext& context, const std::string&) -> absl::Status {
          UtilizationState& state = context.State<UtilizationState>();
          state.session = std::make_unique<PeerSession>(context);
          context.log().Info(absl::StrCat(
              "Writer: a ", kLoadFrameSize, "-byte frame every ",
              absl::FormatDuration(kWriteInterval), "; reader (peer process ",
              state.session->peer_pid(), "): holds each frame ",
              absl::FormatDuration(kReaderHold)));
          return absl::OkStatus();
        });

ZB_STEP(
    kWhen, "monitor buffer utilization over time",
    [](StepContext& context) -> absl::Status {
      UtilizationState& state = context.State<UtilizationState>();
      if (state.session == nullptr) {
        return Failed("the writer has not been configured");
      }
      PeerSession& session = *state.session;
      std::vector<std::string> problems;
      uint64_t acked = 0;
      auto take_acks = [&] {
        while (std::optional<ProbeAck> ack = session.NextAck(milliseconds(0))) {
          if (ack->sequence != ++acked || !ack->intact) {
            problems.push_back(absl::StrCat("ack ", ack->sequence,
                                            ack->intact ? "" : " damaged"));
          }
        }
      };
      const auto start = Clock::now();
      auto since_start = [&] { return absl::FromChrono(Clock::now() - start); };
      auto next_write = start;
      while (since_start() < kLoadPhase) {
        std::this_thread::sleep_until(next_write);
        next_write += absl::ToChronoNanoseconds(kWriteInterval);
        session.Send(kLoadFrameSize, kReaderHold);
        ++state.frames;
        state.samples.push_back(
            {since_start(),
             session.probes().oieb_snapshot().PayloadUsedFraction()});
        take_acks();
      }
      state.load_end = since_start();
      while (session.probes().oieb_snapshot().PayloadUsedFraction() > 0) {
        if (since_start() - state.load_end > kRecoveryTimeout) {
          return Failed(absl::StrCat(
              "the ring still holds ",
              100 * session.probes().oieb_snapshot().PayloadUsedFraction(),
              " % ", absl::FormatDuration(kRecoveryTimeout),
              " after the load stopped"));
        }
        std::this_thread::sleep_for(absl::ToChronoNanoseconds(kSampleInterval));
        state.samples.push_back(
            {since_start(),
             session.probes().oieb_snapshot().PayloadUsedFraction()});
        take_acks();
      }
      for (const ProbeAck& ack : session.Finish()) {
        if (ack.sequence != ++acked || !ack.intact) {
          problems.push_back(absl::StrCat("ack ", ack.sequence));
        }
      }
      if (acked != state.frames || !problems.empty()) {
        return Failed(absl::StrCat(state.frames, " frames sent, ", acked,
                                   " acknowledged; ",
                                   absl::StrJoin(problems, ", ")));
      }
      double peak = 0;
      for (const UtilizationSample& sample : state.samples) {
        peak = std::max(peak, sample.utilization);
      }
      context.log().Info(absl::StrFormat(
          "%d frames in %s of load, peak utilisation %.1f %%, empty again "
          "%s later; %d samples",
          state.frames, absl::FormatDuration(state.load_end), 100 * peak,
          absl::FormatDuration(state.samples.back().at - state.load_end),
          state.samples.size()));
      return absl::OkStatus();
    });

ZB_STEP(kThen, "verify degradation detection at '(\\d+)%'",
        [](StepContext& context, uint64_t percent) -> absl::Status {
          if (percent == 0 || percent > 100) {
            return Failed(absl::StrCat(percent, " % is no utilisation"));
          }
          UtilizationState& state = context.State<UtilizationState>();
          if (state.samples.empty()) return Failed("nothing was monitored");
          const double threshold = percent / 100.0;
          state.threshold = threshold;
          for (const UtilizationSample& sample : state.samples) {
            if (!state.degraded_at && sample.utilization >= threshold) {
              state.degraded_at = sample.at;
            }
            if (state.degraded_at && sample.at >= state.load_end &&
                sample.utilization < threshold) {
              state.recovered_at = sample.at;
              break;
            }
          }
          if (!state.degraded_at) {
            return Failed(absl::StrCat("utilisation never reached ", percent,
                                       " % with the writer outpacing the "
                                       "reader"));
          }
          if (*state.degraded_at > state.load_end) {
            return Failed(absl::StrCat("utilisation first reached ", percent,
                                       " % at ",
                                       absl::FormatDuration(*state.degraded_at),
                                       ", after the load ended at ",
                                       absl::FormatDuration(state.load_end)));
          }
          if (!state.recovered_at) {
            return Failed(absl::StrCat("utilisation never fell back below ",
                                       percent, " %"));
          }
          context.log().Info(absl::StrCat(
              "Degraded (>= ", percent, " %) at ",
              absl::FormatDuration(*state.degraded_at), ", recovered at ",
              absl::FormatDuration(*state.recovered_at)));
          return absl::OkStatus();
        });

const UtilizationState& DetectionOrFail(StepContext& context) {
  const UtilizationState& state = context.State<UtilizationState>();
  if (!state.degraded_at || !state.recovered_at) {
    throw StepFailure("no degradation and recovery have been detected");
  }
  return state;
}

ZB_STEP(kThen, "report time to degradation",
        [](StepContext& context) -> absl::Status {
          const UtilizationState& state = DetectionOrFail(context);
          if (*state.degraded_at <= absl::ZeroDuration()) {
            return Failed(absl::StrFormat(
                "the ring was already %.0f %% full at %s, before any load",
                100 * *state.threshold,
                absl::FormatDuration(*state.degraded_at)));
          }
          context.log().Info(absl::StrFormat(
              "Time to degradation: %s (%.0f %% reached with the writer "
              "sending every %s and the reader holding each frame %s)",
              absl::FormatDuration(*state.degraded_at), 100 * *state.threshold,
              absl::FormatDuration(kWriteInterval),
              absl::FormatDuration(kReaderHold)));
          return absl::OkStatus();
        });

ZB_STEP(kThen, "report recovery time",
        [](StepContext& context) -> absl::Status {
          const UtilizationState& state = DetectionOrFail(context);
          // Recovering takes at least one frame the reader holds to the end.
          if (*state.recovered_at - state.load_end < kReaderHold) {
            return Failed(absl::StrCat(
                "recovered ",
                absl::FormatDuration(*state.recovered_at - state.load_end),
                " after the load, faster than the reader releases one frame"));
          }
          context.log().Info(absl::StrFormat(
              "Recovery time: %s from the end of the load to below %.0f %%",
              absl::FormatDuration(*state.recovered_at - state.load_end),
              100 * *state.threshold));
          return absl::OkStatus();
        });

// 14.4: the cost of a memory barrier (never run by Harmony)
//
// The library orders every publication with a release fence before the
// semaphore post and an acquire fence after the wait (protocol.md 10).
// Measured here: a full fence between two stores, against the same loop
// without it, and a hand-off between two threads that relies on the
// ordering for its data.

constexpr uint64_t kFenceLoops = 400'000;
// The best of several runs, to keep scheduling noise out.
constexpr int kFenceRuns = 5;
constexpr uint64_t kHandOffs = 100'000;
constexpr size_t kHandOffWords = 8;

struct BarrierState {
  // Per round of two stores.
  std::optional<absl::Duration> with_fences;
  std::optional<absl::Duration> without_fences;
  std::optional<uint64_t> torn_hand_offs;
  uint64_t hand_offs = 0;
};

// The time of one round of two stores, with a full fence between them or
// not: the best of kFenceRuns runs of kFenceLoops rounds.
absl::Duration TimeStores(bool fenced) {
  std::atomic<uint64_t> data{0};
  std::atomic<uint64_t> flag{0};
  absl::Duration best = absl::InfiniteDuration();
  for (int run = 0; run < kFenceRuns; ++run) {
    const auto start = Clock::now();
    for (uint64_t i = 0; i < kFenceLoops; ++i) {
      data.store(i, std::memory_order_relaxed);
      if (fenced) std::atomic_thread_fence(std::memory_order_seq_cst);
      flag.store(i, std::memory_order_relaxed);
    }
    best = std::min(best, absl::FromChrono(Clock::now() - start));
  }
  return best / static_cast<int64_t>(kFenceLoops);
}

ZB_STEP(kGiven, "measure atomic fence operations",
        [](StepContext& context) -> absl::Status {
          BarrierState& state = context.State<BarrierState>();
          state.with_fences = TimeStores(true);
          context.log().Info(
              absl::StrCat("Two stores with a full fence between them: ",
                           absl::FormatDuration(*state.with_fences)));
          return absl::OkStatus();
        });

ZB_STEP(kWhen, "compare with and without memory barriers",
        [](StepContext& context) -> absl::Status {
          BarrierState& state = context.State<BarrierState>();
          if (!state.with_fences) return Failed("no fences were measured");
          state.without_fences = TimeStores(false);
          context.log().Info(absl::StrCat(
              "Two stores: ", absl::FormatDuration(*state.with_fences),
              " with a fence, ", absl::FormatDuration(*state.without_fences),
              " without"));
          // The hand-off: the producer fills the words, then publishes their
          // number with release; the consumer acquires it and checks every
          // word before acknowledging.
          std::array<uint64_t, kHandOffWords> words{};
          std::atomic<uint64_t> published{0};
          std::atomic<uint64_t> acknowledged{0};
          uint64_t torn = 0;
          std::thread consumer([&] {
            for (uint64_t n = 1; n <= kHandOffs; ++n) {
              while (published.load(std::memory_order_acquire) != n) {
                std::this_thread::yield();
              }
              for (const uint64_t word : words) torn += word != n;
              acknowledged.store(n, std::memory_order_release);
            }
          });
          for (uint64_t n = 1; n <= kHandOffs; ++n) {
            while (acknowledged.load(std::memory_order_acquire) != n - 1) {
              std::this_thread::yield();
            }
            words.fill(n);
            published.store(n, std::memory_order_release);
          }
          consumer.join();
          state.hand_offs = kHandOffs;
          state.torn_hand_offs = torn;
          return absl::OkStatus();
        });

ZB_STEP(kThen, "verify data integrity maintained",
        [](StepContext& context) -> absl::Status {
          const BarrierState& state = context.State<BarrierState>();
          if (!state.torn_hand_offs) return Failed("no hand-off was run");
          if (*state.torn_hand_offs != 0) {
            return Failed(absl::StrCat(*state.torn_hand_offs, " words of ",
                                       state.hand_offs * kHandOffWords,
                                       " were seen before their publication"));
          }
          context.log().Info(
              absl::StrCat(state.hand_offs, " hand-offs arrived whole"));
          return absl::OkStatus();
        });

ZB_STEP(kThen, "expect less than '(\\d+)' ns per barrier",
        [](StepContext& context, uint64_t limit_ns) -> absl::Status {
          const BarrierState& state = context.State<BarrierState>();
          if (!state.with_fences || !state.without_fences) {
            return Failed("fences were not measured both ways");
          }
          // A difference below zero is noise: the fence cost nothing
          // measurable.
          const absl::Duration per_barrier =
              *state.with_fences - *state.without_fences;
          context.log().Info(absl::StrCat("A full fence costs ",
                                          absl::FormatDuration(per_barrier)));
          if (per_barrier >= absl::Nanoseconds(limit_ns)) {
            return Failed(absl::StrCat("a full fence costs ",
                                       absl::FormatDuration(per_barrier),
                                       ", not under ", limit_ns, " ns"));
          }
          return absl::OkStatus();
        });

}  // namespace
}  // namespace zerobuffer::steps

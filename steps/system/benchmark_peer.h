// A measuring partner in the other process of a stress or benchmark
// scenario.
//
// Harmony routes every measuring step of features 11 and 14 to the writer
// process; after creating the scenario's buffer (a shared step that starts
// nothing) the reader process receives no step at all, so it never reads.
// The background step of those features ("stress test environment is
// prepared", "benchmark environment is prepared") does reach every process,
// and starts a peer service in each. A measuring step then opens a
// PeerSession: it creates the ack buffer; the peer service of the *other*
// process notices it, creates the probe buffer and connects to the ack
// buffer, and from then on reads each probe frame, checks its pattern, holds
// it as long as the probe asks (simulated processing, so a reader can be
// made slower than its writer), releases it and answers with an ack.
//
//   measuring process              peer process
//   Writer  "peer-probes"  ----->  Reader    probe: sent time, hold, pattern
//   Reader  "peer-acks"    <-----  Writer    ack: sequence, received time, ok
//
// Times are steady_clock nanoseconds: a system-wide monotonic clock
// (CLOCK_MONOTONIC, QueryPerformanceCounter), so the two processes' readings
// compare directly and received - sent is the one-way latency.

#ifndef ZEROBUFFER_STEPS_SYSTEM_BENCHMARK_PEER_H_
#define ZEROBUFFER_STEPS_SYSTEM_BENCHMARK_PEER_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "platform/process.h"
#include "steps/context.h"
#include "steps/system/pattern_window.h"
#include "zerobuffer/layout.h"
#include "zerobuffer/zerobuffer.h"

namespace zerobuffer::steps {

// A probe starts with this header (sent time, hold time); the pattern of
// its sequence number fills the rest.
inline constexpr size_t kProbeHeaderSize = 16;
// The probe ring holds two of the largest frames the benchmarks send
// (10 MiB) at any write position.
inline constexpr size_t kProbeRingSize = 32 << 20;
// Any frame up to half the ring fits wherever the write position stands.
inline constexpr size_t kMaxProbeSize = kProbeRingSize / 2 - kFrameHeaderSize;

struct SentProbe {
  uint64_t sequence = 0;
  int64_t sent_ns = 0;  // steady_clock, just before the write began
};

struct ProbeAck {
  uint64_t sequence = 0;
  int64_t received_ns = 0;  // steady_clock, in the peer process
  bool intact = false;      // the pattern arrived unchanged
};

int64_t SteadyNowNs();

// Starts this process's peer service (a background task that lives until
// the scenario's state is reset).
void StartPeerService(StepContext& context);

class PeerSession {
 public:
  // Opens a session with the peer service of the scenario's other process;
  // throws StepFailure when none answers within 10 s.
  explicit PeerSession(StepContext& context);
  // Ends the session as Finish() does, failures ignored.
  ~PeerSession();
  PeerSession(const PeerSession&) = delete;
  PeerSession& operator=(const PeerSession&) = delete;

  // Sends one probe of `size` bytes (at least kProbeHeaderSize) that the
  // peer keeps for `hold` (at most 1 s) before releasing it. Waits for
  // space like Writer::write_frame and throws what it throws.
  SentProbe Send(size_t size, absl::Duration hold = absl::ZeroDuration());

  // The next ack, waiting up to `timeout`; nullopt on timeout. Throws
  // StepFailure when the peer left.
  std::optional<ProbeAck> NextAck(std::chrono::milliseconds timeout);

  // Ends the session: no more probes; the peer acks what is queued and
  // removes its probe buffer. Returns the acks not taken yet. Throws
  // StepFailure when the peer does not finish within 10 s.
  std::vector<ProbeAck> Finish();

  Writer& probes() { return probes_; }
  platform::ProcessId peer_pid() const { return peer_pid_; }
  const std::string& probe_buffer() const { return probe_name_; }
  const std::string& ack_buffer() const { return ack_name_; }

 private:
  std::string probe_name_;
  std::string ack_name_;
  Reader acks_;
  Writer probes_;
  platform::ProcessId peer_pid_ = 0;
  PatternWindow pattern_;
  bool finished_ = false;
};

}  // namespace zerobuffer::steps

#endif  // ZEROBUFFER_STEPS_SYSTEM_BENCHMARK_PEER_H_

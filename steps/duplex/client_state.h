// What the client side of a duplex scenario remembers between steps: the
// client, every request sent (by sequence number, and where it landed in
// the server's request ring), every response received, timings, and the
// zero-copy send in progress. Also the helpers both sides use: connecting a
// client, probing a server, comparing bytes, finding a buffer's leftovers.

#ifndef ZEROBUFFER_STEPS_DUPLEX_CLIENT_STATE_H_
#define ZEROBUFFER_STEPS_DUPLEX_CLIENT_STATE_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "steps/context.h"
#include "steps/duplex/polling.h"
#include "steps/duplex/request_payload.h"
#include "steps/support/segment_access.h"
#include "zerobuffer/config.h"
#include "zerobuffer/duplex/duplex_client.h"
#include "zerobuffer/frame.h"

namespace zerobuffer::steps::duplex_steps {

inline constexpr std::chrono::milliseconds kResponseTimeout{5000};

struct SentRequest {
  uint64_t sequence = 0;
  RequestPayload bytes;
  // Where its header lies in the server's request ring, when found.
  std::optional<uint64_t> ring_offset;
};

struct ReceivedResponse {
  uint64_t sequence = 0;
  std::vector<std::byte> bytes;
};

// A request written in place: acquired, filled, committed (13.7).
struct ZeroCopySend {
  std::span<std::byte> buffer;
  uint64_t sequence = 0;
  // The request ring's write position before the acquisition: the frame
  // lies there, or at 0 when it had to wrap.
  uint64_t write_pos_before = 0;
  bool filled_in_place = false;
  bool committed = false;
  // Heap allocations made inside acquire_request_buffer and commit_request.
  uint64_t allocations = 0;
};

// How a wait for a response ended (13.5, 13.10).
struct WaitOutcome {
  bool waited = false;
  size_t responses = 0;  // that arrived before the wait ended
  SteadyClock::duration took{};
};

struct ClientState {
  duplex::DuplexClient& client();
  const SentRequest* FindSent(uint64_t sequence) const;
  // Sends `bytes` as one request and remembers it.
  uint64_t Send(std::vector<std::byte> bytes);
  // Receives and remembers the next response; StepFailure when none comes
  // within `timeout`.
  Frame Receive(std::chrono::milliseconds timeout);
  // Where request `sequence` (of `size` bytes) lies in the request ring, if
  // it is still there: at `write_pos_before`, or at 0 after a wrap.
  std::optional<uint64_t> LocateRequest(uint64_t write_pos_before,
                                        uint64_t sequence, size_t size) const;
  // Requests sent whose responses have not been received.
  size_t outstanding() const;

  std::string channel;  // physical
  BufferConfig response_config;
  // The server's request buffer, mapped for inspection.
  std::unique_ptr<SegmentAccess> request_ring;
  std::unique_ptr<duplex::DuplexClient> connection;
  std::vector<SentRequest> sent;
  std::vector<ReceivedResponse> received;
  // Responses kept as zero-copy views: their space in the response ring
  // stays taken until they are dropped.
  std::vector<Frame> kept;
  std::optional<SteadyClock::time_point> batch_started;
  std::optional<SteadyClock::duration> total_response_time;
  ZeroCopySend zero_copy;
  WaitOutcome wait;
};

// The sizes of the server's request buffer (read from its OIEB), once a
// server serves `channel`; waits up to 5 s, StepFailure when none does.
//
// The clients of these steps give their response buffer the same sizes, so
// that a channel is symmetric and the sizes a scenario gives the server
// bound the client's ring too: 13.10 needs a response ring that three of
// its requests fill, which the 256 MiB of upstream clients never are (see
// tests/features/13-duplex_channel.feature). The server-side steps hold for
// any response ring the client chose.
BufferConfig ServerRequestConfig(const std::string& channel);

// A client of `channel` whose response buffer has `response_config`.
std::unique_ptr<duplex::DuplexClient> ConnectClient(
    StepContext& context, const std::string& channel,
    const BufferConfig& response_config);

// A round trip through `channel` with a client of its own: proves that the
// server there answers (with an echo) right now.
absl::Status ProbeEcho(StepContext& context, const std::string& channel,
                       std::chrono::milliseconds timeout);

// OK when `actual` equals `expected`; otherwise where they first differ.
absl::Status ExpectSameBytes(std::span<const std::byte> actual,
                             std::span<const std::byte> expected,
                             const std::string& what);
absl::Status ExpectSameBytes(std::span<const std::byte> actual,
                             const RequestPayload& expected,
                             const std::string& what);

// Which OS objects of buffer `name` still exist (its segment, semaphores
// and lock files), by path.
std::vector<std::string> BufferLeftovers(const std::string& name);

}  // namespace zerobuffer::steps::duplex_steps

#endif  // ZEROBUFFER_STEPS_DUPLEX_CLIENT_STATE_H_
